package dev.sieve.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.registry.Subjects;
import dev.sieve.learning.training.SignedRetraining;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.io.RetrainSinks;
import dev.sieve.retrain.io.RetrainSources;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.Fuzz;
import dev.sieve.testkit.ItStack;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The 13-byte record that once failed a job for good — magic byte 0, a registered schema id, a
 * first string claiming ~1 GB — on each of the three topics retrain-trigger reads ({@code
 * sieve.labelled}, {@code sieve.retrain.requests}, {@code sieve.models}), on the real stack: each
 * is skipped and counted with its reason, and the job never restarts.
 */
class RetrainPoisonIT {

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("retrain-poison", METRICS);

  @Test
  void theOneGigabyteClaimOnEveryInputIsSkippedAndCountedWithoutARestart() throws Exception {
    RetrainConfig config =
        RetrainConfig.fromArgs(it.jobArgs(KeyPairFiles.throwaway().publisherArgs()));
    it.createTopics(
        List.of(
            new NewTopic(config.labelledTopic(), 2, (short) 1),
            new NewTopic(config.requestsTopic(), 1, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobEnvironment.configure(env, config.common(), config.describe());
    RetrainJob.defineWorkflow(
        env,
        RetrainSources.labelled(config),
        RetrainSources.requests(config),
        RetrainSources.models(config),
        RetrainSinks.models(config),
        RetrainSinks.alerts(config),
        config,
        new SignedRetraining(config.publishMargin(), config.signingKey()));
    JobClient job = env.executeAsync("retrain-poison-it");
    try {
      ItStack.awaitRunning(job);
      poison(config.labelledTopic(), LabelledExample.getClassSchema());
      poison(config.requestsTopic(), RetrainRequest.getClassSchema());
      poison(config.modelsTopic(), ModelVersion.getClassSchema());

      it.awaitCounter(job, "reason.TRUNCATED.undecodableRecords", 3);

      assertThat(it.counter(job.getJobID(), "undecodableRecords")).isEqualTo(3);
      assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
      assertThat(it.gauges(job.getJobID(), ".numRestarts")).isNotEmpty().containsOnly(0L);
    } finally {
      job.cancel().get();
    }
  }

  /** The 1 GB-claiming frame on {@code topic}, with the id its schema has under the topic. */
  private void poison(String topic, Schema schema) throws Exception {
    int id = it.registry().register(Subjects.value(topic), schema);
    it.send(topic, "poison", Fuzz.frameClaiming(id, 1_000_000_000L));
  }
}
