package dev.sieve.activelearning.testing;

import dev.sieve.activelearning.ActiveLearningJob;
import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.testkit.ItStack;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The active-learning job on an {@link ItStack}: its configuration, its topics, the job started.
 */
public final class ActiveLearningJobs {

  private ActiveLearningJobs() {}

  /** The job's configuration on {@code it}: 1 s checkpoints, exactly-once, plus {@code flags}. */
  public static ActiveLearningConfig config(ItStack it, String... flags) {
    return ActiveLearningConfig.fromArgs(it.jobArgs(flags));
  }

  /** Every topic of the job; {@code scoredPartitions} for sieve.scored, 2 for labels, 1 else. */
  public static void createTopics(ItStack it, ActiveLearningConfig config, int scoredPartitions) {
    List<NewTopic> topics = new ArrayList<>();
    topics.add(new NewTopic(config.scoredTopic(), scoredPartitions, (short) 1));
    topics.add(new NewTopic(config.labelsTopic(), 2, (short) 1));
    for (String topic :
        List.of(
            config.labelsDlqTopic(),
            config.requestsTopic(),
            config.labelledTopic(),
            config.accuracyTopic(),
            config.driftTopic(),
            config.driftWindowsTopic(),
            config.retrainTopic())) {
      topics.add(new NewTopic(topic, 1, (short) 1));
    }
    it.createTopics(topics);
  }

  /** Starts the production workflow (Kafka sources and sinks) at parallelism 2. */
  public static JobClient start(ActiveLearningConfig config, String name) throws Exception {
    return start(StreamExecutionEnvironment.getExecutionEnvironment(), config, name);
  }

  /** Starts the production workflow on {@code env} (one restoring a savepoint, say). */
  public static JobClient start(
      StreamExecutionEnvironment env, ActiveLearningConfig config, String name) throws Exception {
    env.setParallelism(2);
    ActiveLearningJob.defineKafkaJob(env, config);
    JobClient job = env.executeAsync(name);
    ItStack.awaitRunning(job);
    return job;
  }
}
