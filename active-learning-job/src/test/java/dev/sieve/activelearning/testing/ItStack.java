package dev.sieve.activelearning.testing;

import static org.awaitility.Awaitility.await;

import dev.sieve.activelearning.ActiveLearningJob;
import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.SharedStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the job's ITs share: the JVM's broker and registry ({@link SharedStack}), topics under a
 * prefix of their own, the job started on the test's MiniCluster, Confluent-Avro producing and
 * {@code read_committed} reading, and the job's counters from an {@link InMemoryReporter}.
 */
public final class ItStack {

  public static final Duration DEADLINE = Duration.ofSeconds(120);

  private final SharedStack stack = SharedStack.get();
  private final String prefix = "al-it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  private final RestSchemaRegistryClient registry =
      new RestSchemaRegistryClient(RegistryConfig.forUrl(stack.registryUrl()));
  private final InMemoryReporter metrics;

  public ItStack(InMemoryReporter metrics) {
    this.metrics = metrics;
  }

  /** The job's configuration on this stack: 1 s checkpoints, exactly-once, plus {@code flags}. */
  public ActiveLearningConfig config(String... flags) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--registry-url",
                stack.registryUrl(),
                "--topic-prefix",
                prefix,
                "--checkpoint-interval",
                "1s"));
    args.addAll(List.of(flags));
    return ActiveLearningConfig.fromArgs(args.toArray(new String[0]));
  }

  /** Every topic of the job; {@code scoredPartitions} for sieve.scored, 2 for labels, 1 else. */
  public void createTopics(ActiveLearningConfig config, int scoredPartitions) {
    stack
        .kafka()
        .createTopics(
            List.of(
                new NewTopic(config.scoredTopic(), scoredPartitions, (short) 1),
                new NewTopic(config.labelsTopic(), 2, (short) 1),
                new NewTopic(config.labelsDlqTopic(), 1, (short) 1),
                new NewTopic(config.requestsTopic(), 1, (short) 1),
                new NewTopic(config.labelledTopic(), 1, (short) 1),
                new NewTopic(config.accuracyTopic(), 1, (short) 1),
                new NewTopic(config.driftTopic(), 1, (short) 1),
                new NewTopic(config.retrainTopic(), 1, (short) 1)));
  }

  /** Starts the production workflow (Kafka sources and sinks) at parallelism 2. */
  public JobClient start(ActiveLearningConfig config, String name) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    ActiveLearningJob.defineKafkaJob(env, config);
    JobClient job = env.executeAsync(name);
    await().atMost(DEADLINE).until(() -> status(job) == JobStatus.RUNNING);
    return job;
  }

  public <T extends SpecificRecord> ConfluentAvroCodec<T> codec(Class<T> type) {
    return new ConfluentAvroCodec<>(registry, type);
  }

  /** Sends records (key = {@code key}, value = bytes) and waits for every acknowledgement. */
  public void send(String topic, List<String> keys, List<byte[]> values) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        String key = keys.get(i);
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    values.get(i))));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
  }

  public void send(String topic, String key, byte[] value) throws Exception {
    send(topic, java.util.Collections.singletonList(key), List.of(value));
  }

  /**
   * Reads {@code topic} from the beginning ({@code read_committed}) until {@code done} holds for
   * what was read, failing fast if the job stops.
   */
  public <T extends SpecificRecord> List<T> readUntil(
      String topic, Class<T> type, JobClient job, Predicate<List<T>> done) {
    ConfluentAvroCodec<T> codec = codec(type);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = stack.readCommittedConsumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      try {
        await()
            .atMost(DEADLINE)
            .failFast("the job failed or ended", () -> status(job).isGloballyTerminalState())
            .until(
                () -> {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value()));
                  }
                  return done.test(out);
                });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "within "
                + DEADLINE
                + ", "
                + topic
                + " gave "
                + out.size()
                + " records, not what was"
                + " awaited: "
                + out.stream().limit(30).toList(),
            e);
      }
    }
    return out;
  }

  /** Everything {@code topic} holds once {@code settle} more has passed (two checkpoints). */
  public <T extends SpecificRecord> List<T> readAll(String topic, Class<T> type, JobClient job) {
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    return readUntil(topic, type, job, read -> System.nanoTime() > until);
  }

  /** Waits until the job's {@code sieve.<name>} counters sum to at least {@code expected}. */
  public void awaitCounter(JobClient job, String name, long expected) {
    await()
        .atMost(DEADLINE)
        .failFast("the job failed or ended", () -> status(job).isGloballyTerminalState())
        .until(() -> counter(job.getJobID(), name) >= expected);
  }

  /** The sum over subtasks of the job's counters whose identifier ends in {@code .sieve.<name>}. */
  public long counter(JobID jobId, String name) {
    return counters(jobId, ".sieve." + name);
  }

  /** The sum of the job's counters whose metric identifier ends with {@code suffix}. */
  public long counters(JobID jobId, String suffix) {
    long[] sum = {0};
    metrics
        .getMetricsByGroup()
        .forEach(
            (group, byName) -> {
              if (jobId.toString().equals(group.getAllVariables().get("<job_id>"))) {
                byName.forEach(
                    (metricName, metric) -> {
                      if (metric instanceof Counter c
                          && group.getMetricIdentifier(metricName).endsWith(suffix)) {
                        sum[0] += c.getCount();
                      }
                    });
              }
            });
    return sum[0];
  }

  public static JobStatus status(JobClient job) {
    try {
      return job.getJobStatus().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
