package dev.sieve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.io.InferenceSinks;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.model.ZeroShotHead;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.Feeder;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.Upgrades;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrading inference-job: stopped with a canonical savepoint while content streams and restored
 * from it (unclaimed state refused), it predicts every event exactly once across the stop, and it
 * still serves the version it had swapped to before the stop: the restored job reads no model
 * record (its models source resumes after them), so version 2 can only come from the savepoint.
 * Real int8 MiniLM embeddings and zero-shot heads signed with a test key.
 */
class InferenceSavepointIT {

  private static final SigningKey KEY = SigningKey.generate();
  private static final String CLASSIFIER = "offensive";
  private static final List<String> LABELS = List.of("offensive", "not-offensive");
  private static final int PARALLELISM = 2;
  private static final EmbeddingModel EMBEDDING = EmbeddingModel.MINILM_L6_V2_Q;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private static List<String> texts;
  private static byte[] headV1;
  private static byte[] headV2;

  private final ItStack it = new ItStack("inference-savepoint-it", METRICS);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);

  @BeforeAll
  static void buildHeads() throws IOException {
    texts = DemoCorpus.load().items().stream().map(DemoCorpus.Item::text).toList();
    List<String> why =
        List.of(
            "an insulting, rude, hateful or offensive message",
            "a polite, neutral or friendly message");
    try (EmbedderHandle embedder = SharedEmbedders.acquire(EMBEDDING, EmbedderOptions.defaults())) {
      headV1 = ZeroShotHead.build(embedder, LABELS, why, 0.05);
      headV2 = ZeroShotHead.build(embedder, LABELS, why, 0.1);
    }
  }

  @Test
  void servesTheSameVersionAndPredictsOnceAcrossAStopWithSavepoint() throws Exception {
    InferenceConfig config =
        InferenceConfig.fromArgs(it.jobArgs("--model-trusted-keys", KEY.publicBase64()));
    it.createTopics(
        List.of(
            new NewTopic(config.contentTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")),
            new NewTopic(config.predictionsTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.scoredTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.alertsTopic(), 1, (short) 1)));
    publish(config, 1, headV1);

    JobClient before = start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
    awaitServing(before, 1);
    publish(config, 2, headV2);
    awaitServing(before, 2);
    Feeder feeder = Feeder.start(it, Duration.ofMillis(200), i -> content(config, i));
    it.awaitCounter(before, "records", 200); // mid-stream: content keeps arriving
    String savepoint = Upgrades.stopWithSavepoint(before);
    int sentAtStop = feeder.sent();
    int predictedBefore = it.readCommittedToEnd(config.predictionsTopic()).size();

    JobClient after = start(Upgrades.restoringFrom(savepoint), config);
    try {
      awaitServing(after, 2);
      it.awaitCounter(after, "records", 100);
      int total = feeder.stop();
      assertThat(total).as("events sent while the job was stopped").isGreaterThan(sentAtStop);
      it.readCommitted(config.predictionsTopic(), Prediction.class, after, p -> p.size() >= total);
      List<Prediction> predictions = it.readAll(config.predictionsTopic(), Prediction.class, after);
      List<ScoredContent> scored = it.readAll(config.scoredTopic(), ScoredContent.class, after);

      Set<String> ids = new HashSet<>();
      for (int i = 0; i < total; i++) {
        ids.add(id(i));
      }
      assertThat(predictions).extracting(Prediction::getContentId).doesNotHaveDuplicates();
      assertThat(new HashSet<>(predictions.stream().map(Prediction::getContentId).toList()))
          .isEqualTo(ids);
      assertThat(scored).extracting(ScoredContent::getContentId).doesNotHaveDuplicates();
      assertThat(scored).hasSize(total);
      assertThat(predictions).extracting(Prediction::getModelVersion).containsOnly(2);
      assertThat(it.counter(after.getJobID(), "acceptedUpdates")).isZero();
      assertThat(it.readAll(config.alertsTopic(), ModelAlert.class, after)).isEmpty();
      System.out.printf(
          "INFERENCE savepoint: %d predicted before the stop, %d sent by then, %d in all%n",
          predictedBefore, sentAtStop, total);
    } finally {
      after.cancel().get();
    }
  }

  private static JobClient start(StreamExecutionEnvironment env, InferenceConfig config)
      throws Exception {
    env.setParallelism(PARALLELISM);
    JobEnvironment.configure(env, config.common(), config.describe());
    InferenceJob.defineWorkflow(
        env,
        InferenceSources.content(config),
        InferenceSources.models(config),
        InferenceSinks.predictions(config),
        InferenceSinks.scored(config),
        InferenceSinks.alerts(config),
        config);
    JobClient job = env.executeAsync("inference-savepoint-it");
    ItStack.awaitRunning(job);
    return job;
  }

  /** Both subtasks serve {@code version} (the operator's gauges say so). */
  private void awaitServing(JobClient job, int version) {
    it.awaitGauges(
        job,
        ".sieve.classifier." + CLASSIFIER + ".modelVersion",
        values ->
            values.size() == PARALLELISM
                && values.stream().allMatch(v -> Integer.valueOf(version).equals(v)));
  }

  private void publish(InferenceConfig config, int version, byte[] head) throws Exception {
    ModelVersion.Builder builder =
        ModelVersion.newBuilder()
            .setClassifier(CLASSIFIER)
            .setVersion(version)
            .setLabels(LABELS)
            .setHead(ByteBuffer.wrap(head))
            .setEmbeddingModelId(EMBEDDING.id())
            .setEmbeddingModelDigest(EMBEDDING.digest())
            .setReason("zero-shot")
            .setCreatedAtMs(System.currentTimeMillis())
            .setDigest("")
            .setSignature(null);
    ModelVersion signed = ModelVersions.signed(builder, KEY);
    it.send(config.modelsTopic(), CLASSIFIER, modelCodec.encode(config.modelsTopic(), signed));
  }

  private ProducerRecord<byte[], byte[]> content(InferenceConfig config, int i) {
    ContentEvent event =
        ContentEvent.newBuilder()
            .setId(id(i))
            .setText(texts.get(i % texts.size()))
            .setTimestampMs(System.currentTimeMillis())
            .build();
    return ItStack.record(
        config.contentTopic(), id(i), contentCodec.encode(config.contentTopic(), event));
  }

  private static String id(int i) {
    return "content-" + i;
  }
}
