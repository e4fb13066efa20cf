package dev.sieve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.functions.ModelRecordDecoder;
import dev.sieve.inference.io.InferenceSinks;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.inference.scoring.ModelAlerts;
import dev.sieve.inference.testing.Samples;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.Fuzz;
import dev.sieve.testkit.ItStack;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
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
 * first string claiming ~1 GB — on both topics inference-job reads, on the real stack: on {@code
 * sieve.content} it is skipped and counted with its reason, on {@code sieve.models} it becomes a
 * {@code MALFORMED_RECORD} alert (also under a 600 KB key, which the alert cuts), and the job never
 * restarts.
 */
class InferencePoisonIT {

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("inference-poison", METRICS);

  @Test
  void theOneGigabyteClaimOnEveryInputIsSkippedOrAlertedWithoutARestart() throws Exception {
    InferenceConfig config =
        InferenceConfig.fromArgs(
            it.jobArgs("--model-trusted-keys", SigningKey.generate().publicBase64()));
    it.createTopics(
        List.of(
            new NewTopic(config.contentTopic(), 2, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")),
            new NewTopic(config.predictionsTopic(), 2, (short) 1),
            new NewTopic(config.scoredTopic(), 2, (short) 1),
            new NewTopic(config.alertsTopic(), 1, (short) 1)));
    int contentSchema = schemaId(it.codec(ContentEvent.class), config.contentTopic(), content());
    int modelSchema = schemaId(it.codec(ModelVersion.class), config.modelsTopic(), model());
    String bigKey = "k".repeat(600_000);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobEnvironment.configure(env, config.common(), config.describe());
    InferenceJob.defineWorkflow(
        env,
        InferenceSources.content(config),
        InferenceSources.models(config),
        InferenceSinks.predictions(config),
        InferenceSinks.scored(config),
        InferenceSinks.alerts(config),
        config);
    JobClient job = env.executeAsync("inference-poison-it");
    try {
      ItStack.awaitRunning(job);
      it.send(config.contentTopic(), "c1", Fuzz.frameClaiming(contentSchema, 1_000_000_000L));
      it.send(config.modelsTopic(), "spam", Fuzz.frameClaiming(modelSchema, 1_000_000_000L));
      it.send(config.modelsTopic(), bigKey, Fuzz.frameClaiming(modelSchema, 1_000_000_000L));

      it.awaitCounter(job, "reason.TRUNCATED.undecodableRecords", 1);
      List<ModelAlert> alerts =
          it.readCommitted(config.alertsTopic(), ModelAlert.class, job, a -> a.size() >= 2);

      assertThat(alerts)
          .extracting(ModelAlert::getReason)
          .containsOnly(ModelAlerts.MALFORMED_RECORD);
      assertThat(alerts).allSatisfy(a -> assertThat(a.getMessage()).contains("TRUNCATED"));
      assertThat(alerts)
          .extracting(ModelAlert::getClassifier)
          .containsExactlyInAnyOrder(
              "spam", "k".repeat(ModelRecordDecoder.MAX_CLASSIFIER_CHARS) + "…");
      assertThat(it.counter(job.getJobID(), "undecodableRecords")).isEqualTo(1);
      assertThat(it.counter(job.getJobID(), "malformedModels")).isEqualTo(2);
      assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
      assertThat(it.gauges(job.getJobID(), ".numRestarts")).isNotEmpty().containsOnly(0L);
    } finally {
      job.cancel().get();
    }
  }

  private static <T extends SpecificRecord> int schemaId(
      ConfluentAvroCodec<T> codec, String topic, T value) {
    return ConfluentAvroCodec.schemaIdOf(codec.encode(topic, value));
  }

  private static ContentEvent content() {
    return ContentEvent.newBuilder().setId("c0").setText("registers the schema").build();
  }

  private static ModelVersion model() {
    return Samples.accepted("spam", 1, 0.9);
  }
}
