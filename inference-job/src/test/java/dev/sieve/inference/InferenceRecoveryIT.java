package dev.sieve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.io.InferenceSinks;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.inference.runtime.SieveModelRuntime;
import dev.sieve.inference.scoring.Embedder;
import dev.sieve.inference.scoring.ModelRuntime;
import dev.sieve.inference.scoring.VersionValidator;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.model.ZeroShotHead;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.faults.Faults;
import dev.sieve.testkit.faults.FaultySink;
import dev.sieve.testkit.faults.FaultySource;
import dev.sieve.testkit.faults.Recovery;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * inference-job survives five failures in five places over 5,000 content events, on the real stack
 * (broker, registry, MiniCluster with RocksDB and 1 s checkpoints, exactly-once) with the real int8
 * MiniLM embedder: the content source, the embedding inside the micro-batch operator, the
 * predictions sink's writer, the scored sink's commit, and the TaskManager. Afterwards every event
 * has exactly one prediction per classifier and one scored record (read_committed), all made with
 * the versions published before the start, which the restarted job serves from operator state: it
 * accepted nothing from the model stream after the last restore.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class InferenceRecoveryIT {

  private static final SigningKey KEY = SigningKey.generate();
  private static final String OFFENSIVE = "offensive";
  private static final String SENTIMENT = "sentiment";
  private static final int PARALLELISM = 2;
  private static final int BATCH = 1_000;
  private static final int BATCHES = 5;
  private static final EmbeddingModel EMBEDDING = EmbeddingModel.MINILM_L6_V2_Q;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private static List<String> texts;
  private static byte[] offensiveHead;
  private static byte[] sentimentHead;

  private final ItStack it = new ItStack("inference-recovery-it", METRICS);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);
  private final ConfluentAvroCodec<Prediction> predictionCodec = it.codec(Prediction.class);
  private final String content = it.prefix() + "content";
  private final String embed = it.prefix() + "embed";
  private final String predictions = it.prefix() + "predictions";
  private final String scored = it.prefix() + "scored";

  @BeforeAll
  static void buildHeads() throws java.io.IOException {
    texts = DemoCorpus.load().items().stream().map(DemoCorpus.Item::text).toList();
    try (EmbedderHandle embedder = SharedEmbedders.acquire(EMBEDDING, EmbedderOptions.defaults())) {
      offensiveHead =
          ZeroShotHead.build(
              embedder,
              List.of("offensive", "not-offensive"),
              List.of("an insulting or offensive message", "a polite or neutral message"),
              0.05);
      sentimentHead =
          ZeroShotHead.build(
              embedder,
              List.of("positive", "negative"),
              List.of("a happy, positive message", "a sad, angry or negative message"),
              0.05);
    }
  }

  @AfterEach
  void disarm() {
    List.of(content, embed, FaultySink.write(predictions), FaultySink.commit(scored))
        .forEach(Faults::disarm);
  }

  @Test
  void fiveFailuresLoseAndDuplicateNothingAndServeTheVersionsFromState(
      @InjectMiniCluster MiniCluster flink) throws Exception {
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
    publish(config, version(OFFENSIVE, 1, offensiveHead));
    publish(config, version(SENTIMENT, 3, sentimentHead));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    JobEnvironment.configure(env, config.common(), config.describe());
    InferenceJob.defineWorkflow(
        env,
        FaultySource.wrap(InferenceSources.content(config), content),
        InferenceSources.models(config),
        FaultySink.wrap(InferenceSinks.predictions(config), predictions),
        FaultySink.wrap(InferenceSinks.scored(config), scored),
        InferenceSinks.alerts(config),
        config,
        new FaultyRuntime(SieveModelRuntime.of(config), embed));
    JobClient job = env.executeAsync("inference-recovery-it");
    try {
      ItStack.awaitRunning(job);
      awaitServing(job);
      // Two completed checkpoints after both were accepted: the versions are in checkpointed state.
      long checkpoints = checkpoints(job);
      await().atMost(ItStack.DEADLINE).until(() -> checkpoints(job) >= checkpoints + 2);

      Set<String> ids = new HashSet<>();
      // 1. The content source fails while it reads the first batch.
      failDuring(job, config, 0, ids, content, 400);
      // 2. The micro-batch operator fails while it embeds a batch.
      failDuring(job, config, 1, ids, embed, 3);
      // 3. The predictions sink's writer fails with predictions in an open transaction.
      failDuring(job, config, 2, ids, FaultySink.write(predictions), 500);
      // 4. The scored sink's commit fails after its checkpoint completed.
      failDuring(job, config, 3, ids, FaultySink.commit(scored), 0);
      // 5. The TaskManager is terminated mid-batch and a new one started.
      long restarts = Recovery.restarts(it, job);
      ids.addAll(send(config, 4));
      awaitPredicted(config, job, 4 * BATCH + BATCH / 5);
      Recovery.replaceTaskManager(flink, 0);
      Recovery.awaitRestarted(it, job, restarts + 1);
      awaitPredicted(config, job, ids.size());
      it.awaitMoreCheckpoints(job, 2); // a late duplicate would be committed by then

      List<Prediction> made =
          it.readCommittedToEnd(config.predictionsTopic()).stream()
              .map(r -> predictionCodec.decode(r.value()))
              .toList();
      Map<String, Long> perKey =
          made.stream()
              .collect(
                  Collectors.groupingBy(
                      p -> p.getContentId() + "/" + p.getClassifier(), Collectors.counting()));
      assertThat(perKey).hasSize(2 * BATCHES * BATCH);
      assertThat(perKey.values()).as("predictions per event and classifier").containsOnly(1L);
      assertThat(made.stream().map(Prediction::getContentId).collect(Collectors.toSet()))
          .isEqualTo(ids);
      assertThat(
              made.stream()
                  .map(p -> p.getClassifier() + " v" + p.getModelVersion())
                  .collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(OFFENSIVE + " v1", SENTIMENT + " v3");
      List<String> scoredIds =
          it.readCommittedToEnd(config.scoredTopic()).stream()
              .map(r -> it.codec(ScoredContent.class).decode(r.value()).getContentId())
              .toList();
      assertThat(scoredIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
      assertThat(it.readCommittedToEnd(config.alertsTopic())).isEmpty();

      // The restored subtasks accepted nothing from the model stream, yet serve both versions.
      assertThat(it.counters(job.getJobID(), ".sieve.acceptedUpdates")).isZero();
      awaitServing(job);
      for (String fault :
          List.of(content, embed, FaultySink.write(predictions), FaultySink.commit(scored))) {
        assertThat(Faults.fired(fault)).as(fault).isEqualTo(1);
      }
      assertThat(Recovery.restarts(it, job)).isGreaterThanOrEqualTo(5);
      assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get();
    }
  }

  /** Arms {@code fault}, sends batch {@code batch}, and waits for the failure and the recovery. */
  private void failDuring(
      JobClient job, InferenceConfig config, int batch, Set<String> ids, String fault, long after)
      throws Exception {
    long restarts = Recovery.restarts(it, job);
    Faults.arm(fault, after);
    ids.addAll(send(config, batch));
    Recovery.awaitFired(fault);
    Recovery.awaitRestarted(it, job, restarts + 1);
    awaitPredicted(config, job, ids.size());
  }

  /** Batch {@code batch}: {@value #BATCH} events of the demo corpus's texts; their ids. */
  private List<String> send(InferenceConfig config, int batch) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String id = "b" + batch + "-" + i;
      ids.add(id);
      ContentEvent event =
          ContentEvent.newBuilder()
              .setId(id)
              .setText(texts.get((batch * BATCH + i) % texts.size()))
              .setTimestampMs(System.currentTimeMillis())
              .build();
      records.add(
          ItStack.record(
              config.contentTopic(), id, contentCodec.encode(config.contentTopic(), event)));
    }
    it.send(records);
    return ids;
  }

  /** Waits until both classifiers' predictions of at least {@code events} events are committed. */
  private void awaitPredicted(InferenceConfig config, JobClient job, int events) {
    it.readCommitted(
        config.predictionsTopic(),
        Prediction.class,
        job,
        read ->
            read.stream()
                    .map(p -> p.getContentId() + "/" + p.getClassifier())
                    .collect(Collectors.toSet())
                    .size()
                >= 2 * events);
  }

  private void awaitServing(JobClient job) {
    for (var served : Map.of(OFFENSIVE, 1, SENTIMENT, 3).entrySet()) {
      it.awaitGauges(
          job,
          ".sieve.classifier." + served.getKey() + ".modelVersion",
          values ->
              values.size() == PARALLELISM
                  && values.stream().allMatch(v -> served.getValue().equals(v)));
    }
  }

  private long checkpoints(JobClient job) {
    List<Object> values = it.gauges(job.getJobID(), ".numberOfCompletedCheckpoints");
    return values.isEmpty() ? 0L : ((Number) values.get(0)).longValue();
  }

  private void publish(InferenceConfig config, ModelVersion version) throws Exception {
    it.send(
        config.modelsTopic(),
        version.getClassifier(),
        modelCodec.encode(config.modelsTopic(), version));
  }

  private static ModelVersion version(String classifier, int version, byte[] head) {
    boolean offensive = OFFENSIVE.equals(classifier);
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier(classifier)
            .setVersion(version)
            .setLabels(
                offensive ? List.of("offensive", "not-offensive") : List.of("positive", "negative"))
            .setHead(ByteBuffer.wrap(head))
            .setEmbeddingModelId(EMBEDDING.id())
            .setEmbeddingModelDigest(EMBEDDING.digest())
            .setReason("zero-shot")
            .setCreatedAtMs(System.currentTimeMillis())
            .setDigest("")
            .setSignature(null),
        KEY);
  }

  /**
   * The production model runtime whose embedder trips the fault {@code name} ({@link Faults}) at
   * every micro-batch it embeds: an armed fault fails the inference operator mid-stream.
   */
  private record FaultyRuntime(ModelRuntime runtime, String name) implements ModelRuntime {
    @Override
    public String primaryNetwork() {
      return runtime.primaryNetwork();
    }

    @Override
    public Embedder acquireEmbedder(String network) {
      Embedder embedder = runtime.acquireEmbedder(network);
      return new Embedder() {
        @Override
        public String modelId() {
          return embedder.modelId();
        }

        @Override
        public String modelDigest() {
          return embedder.modelDigest();
        }

        @Override
        public int dimension() {
          return embedder.dimension();
        }

        @Override
        public float[][] embed(List<String> texts) {
          Faults.trip(name);
          return embedder.embed(texts);
        }

        @Override
        public void close() {
          embedder.close();
        }
      };
    }

    @Override
    public VersionValidator validator() {
      return runtime.validator();
    }
  }
}
