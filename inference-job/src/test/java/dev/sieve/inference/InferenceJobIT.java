package dev.sieve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.core.serde.ConfluentAvroDeserializationSchema;
import dev.sieve.embedded.ListeningSockets;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.io.InferenceSinks;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.OnnxHeads;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.model.ZeroShotHead;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * inference-job end to end on the real stack — in-process Kafka broker, Apicurio registry, a
 * MiniCluster (1 TaskManager, 2 slots, RocksDB, 1 s checkpoints) running the job at parallelism 2
 * in exactly-once mode — with the real int8 MiniLM embedder and zero-shot heads signed with a test
 * key. Outputs are read {@code read_committed}.
 */
class InferenceJobIT {

  private static final SigningKey KEY = SigningKey.generate();
  private static final String OFFENSIVE = "offensive";
  private static final String SENTIMENT = "sentiment";
  private static final int PARALLELISM = 2;
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final EmbeddingModel EMBEDDING = EmbeddingModel.MINILM_L6_V2_Q;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private static List<String> texts;
  private static byte[] offensiveHead;
  private static byte[] offensiveHeadV2;
  private static byte[] sentimentHead;

  private final ItStack it = new ItStack("inference-it", METRICS);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);
  private final ConfluentAvroCodec<Prediction> predictionCodec = it.codec(Prediction.class);
  private final ConfluentAvroCodec<ScoredContent> scoredCodec = it.codec(ScoredContent.class);
  private final ConfluentAvroCodec<ModelAlert> alertCodec = it.codec(ModelAlert.class);

  /** Zero-shot heads from the real network; the test's own handle is released afterwards. */
  @BeforeAll
  static void buildHeads() throws IOException {
    texts = loadTexts();
    try (EmbedderHandle embedder = SharedEmbedders.acquire(EMBEDDING, EmbedderOptions.defaults())) {
      List<String> offensive = List.of("offensive", "not-offensive");
      List<String> offensiveWhy =
          List.of(
              "an insulting, rude, hateful or offensive message",
              "a polite, neutral or friendly message");
      offensiveHead = ZeroShotHead.build(embedder, offensive, offensiveWhy, 0.05);
      offensiveHeadV2 = ZeroShotHead.build(embedder, offensive, offensiveWhy, 0.1);
      sentimentHead =
          ZeroShotHead.build(
              embedder,
              List.of("positive", "negative"),
              List.of("a happy, positive message", "a sad, angry or negative message"),
              0.05);
    }
  }

  /**
   * (a) Thousands of events (the demo corpus's real messages, each about four times), two
   * classifiers, a signed v2 of one published mid-stream.
   */
  @Test
  void scoresEveryEventWithEveryClassifierAndSwapsAVersionMidStream() throws Exception {
    InferenceConfig config = config();
    createTopics(config);
    publish(config, version(OFFENSIVE, 1, offensiveHead));
    publish(config, version(SENTIMENT, 1, sentimentHead));
    JobClient job = start(config, InferenceSources.content(config));
    try {
      awaitServing(job, OFFENSIVE, 1);
      awaitServing(job, SENTIMENT, 1);

      int total = 5_000;
      int half = total / 2;
      Map<String, RecordMetadata> before = produce(config, "a", 0, half);
      publish(config, version(OFFENSIVE, 2, offensiveHeadV2)); // while the first half streams
      awaitServing(job, OFFENSIVE, 2);
      Map<String, RecordMetadata> after = produce(config, "a", half, total);

      Outputs out = readUntil(config, job, 2L * total, total, 0);

      Map<String, RecordMetadata> all = new HashMap<>(before);
      all.putAll(after);
      assertExactlyOnePredictionPerClassifier(out.predictions, all.keySet());
      assertThat(out.scored).hasSize(total);
      assertThat(out.scored.values())
          .allSatisfy(
              s -> {
                assertThat(s.getEmbedding()).hasSize(EMBEDDING.dimension());
                assertThat(s.getEmbeddingModel()).isEqualTo(EMBEDDING.id());
                assertThat(s.getClassifiers()).containsOnlyKeys(OFFENSIVE, SENTIMENT);
              });
      for (Prediction p : out.predictions) {
        assertThat(p.getConfidence()).isBetween(0.0, 1.0);
        assertThat(p.getScores().values().stream().mapToDouble(Double::doubleValue).sum())
            .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(p.getLatencyMs()).isNotNegative();
      }
      // Sentiment never changed; offensive events published after both subtasks swapped are v2.
      assertThat(versions(out.predictions, SENTIMENT, all.keySet())).containsOnly(1);
      assertThat(versions(out.predictions, OFFENSIVE, after.keySet())).containsOnly(2);
      // Each content partition is read by one subtask in order: its offensive versions only rise.
      Map<String, Integer> offensiveVersion = byId(out.predictions, OFFENSIVE);
      Map<Integer, List<Integer>> sequences = new HashMap<>();
      all.entrySet().stream()
          .sorted((x, y) -> Long.compare(x.getValue().offset(), y.getValue().offset()))
          .forEach(
              e ->
                  sequences
                      .computeIfAbsent(e.getValue().partition(), p -> new ArrayList<>())
                      .add(offensiveVersion.get(e.getKey())));
      assertThat(sequences).hasSize(PARALLELISM);
      sequences.values().forEach(seq -> assertThat(seq).isSorted().startsWith(1).endsWith(2));
      assertThat(out.alerts).isEmpty();
      assertThat(it.gauges(job.getJobID(), ".numRestarts")).first().isEqualTo(0L);

      List<InetSocketAddress> listeners =
          ListeningSockets.tcpListeners(ProcessHandle.current().pid());
      assertThat(listeners)
          .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    } finally {
      job.cancel().get();
    }
  }

  /** (b) Every kind of bad version is refused with its reason; the old one keeps serving. */
  @Test
  void refusesEveryBadVersionWithItsReasonWhileTheOldVersionKeepsServing() throws Exception {
    InferenceConfig config = config();
    createTopics(config);
    publish(config, version(OFFENSIVE, 1, offensiveHead));
    JobClient job = start(config, InferenceSources.content(config));
    try {
      awaitServing(job, OFFENSIVE, 1);

      Map<String, ModelVersion> bad = new LinkedHashMap<>();
      bad.put("UNLOADABLE_HEAD", version(OFFENSIVE, 2, "not an onnx model".getBytes(UTF8)));
      bad.put(
          "UNSIGNED",
          ModelVersion.newBuilder(version(OFFENSIVE, 2, offensiveHeadV2))
              .setSignature(null)
              .build());
      bad.put(
          "UNKNOWN_KEY",
          ModelVersions.signed(builder(OFFENSIVE, 2, offensiveHeadV2), SigningKey.generate()));
      ModelVersion otherKey =
          ModelVersions.signed(builder(OFFENSIVE, 2, offensiveHeadV2), SigningKey.generate());
      otherKey.setKeyId(KEY.keyId()); // claims the trusted key, signed by another
      bad.put("BAD_SIGNATURE", otherKey);
      bad.put(
          "BAD_DIGEST",
          ModelVersion.newBuilder(version(OFFENSIVE, 2, offensiveHeadV2))
              .setHead(ByteBuffer.wrap(offensiveHead))
              .build());
      bad.put(
          "EMBEDDING_MISMATCH",
          ModelVersions.signed(
              builder(OFFENSIVE, 2, offensiveHeadV2).setEmbeddingModelId("all-minilm-l6-v2"), KEY));
      bad.put(
          "WRONG_INPUT_DIMENSION",
          version(OFFENSIVE, 2, OnnxHeads.linearSoftmax(new float[2][10], new float[2])));
      bad.put(
          "LABEL_COUNT_MISMATCH",
          ModelVersions.signed(
              builder(OFFENSIVE, 2, offensiveHeadV2)
                  .setLabels(List.of("offensive", "not-offensive", "unsure"))
                  .setLabelDescriptions(List.of()),
              KEY));
      for (ModelVersion v : bad.values()) {
        publish(config, v);
      }
      // A registered schema id, but the body is cut short: not a ModelVersion.
      byte[] whole = modelCodec.encode(config.modelsTopic(), version(OFFENSIVE, 3, offensiveHead));
      publishRaw(config, OFFENSIVE, java.util.Arrays.copyOf(whole, 40));

      // One alert per subtask for each refused version, one for the unreadable record.
      Outputs out = readUntil(config, job, 0, 0, PARALLELISM * bad.size() + 1);
      Map<String, List<ModelAlert>> byReason =
          out.alerts.stream().collect(Collectors.groupingBy(ModelAlert::getReason));
      assertThat(byReason.keySet())
          .containsExactlyInAnyOrderElementsOf(concat(bad.keySet(), List.of("MALFORMED_RECORD")));
      bad.keySet()
          .forEach(
              reason ->
                  assertThat(byReason.get(reason))
                      .as(reason)
                      .allSatisfy(
                          a -> {
                            assertThat(a.getClassifier()).isEqualTo(OFFENSIVE);
                            assertThat(a.getVersion()).isEqualTo(2);
                            assertThat(a.getServingVersion()).isEqualTo(1);
                            assertThat(a.getMessage()).contains(OFFENSIVE);
                          })
                      .extracting(ModelAlert::getSubtask)
                      .containsExactlyInAnyOrder(0, 1));
      assertThat(byReason.get("MALFORMED_RECORD").get(0).getClassifier()).isEqualTo(OFFENSIVE);
      assertThat(it.counters(job.getJobID(), ".sieve.rejectedUpdates"))
          .isEqualTo(PARALLELISM * bad.size());

      // Version 1 still serves every event.
      Map<String, RecordMetadata> ids = produce(config, "b", 0, 40);
      Outputs served = readUntil(config, job, ids.size(), ids.size(), out.alerts.size());
      assertExactlyOnePredictionPerClassifier(served.predictions, ids.keySet(), OFFENSIVE);
      assertThat(versions(served.predictions, OFFENSIVE, ids.keySet())).containsOnly(1);
      awaitServing(job, OFFENSIVE, 1);
    } finally {
      job.cancel().get();
    }
  }

  /**
   * (b2) Signed versions tampered with by someone who can write the models topic but holds no
   * private key — the attack (the serving version's labels reversed and re-published as a
   * higher version, head, digest and signature untouched), an old version replayed as a higher one,
   * another classifier's version renamed, a version re-parented — are each refused with their own
   * reason and an alert, and the genuine version keeps answering.
   */
  @Test
  void refusesReplayedRenamedRelabelledAndReparentedVersions() throws Exception {
    InferenceConfig config = config();
    createTopics(config);
    ModelVersion v1 = version(OFFENSIVE, 1, offensiveHead);
    ModelVersion v2 =
        ModelVersions.signed(builder(OFFENSIVE, 2, offensiveHeadV2).setParentVersion(1), KEY);
    ModelVersion sentiment = version(SENTIMENT, 1, sentimentHead);
    publish(config, v1);
    publish(config, v2);
    publish(config, sentiment);
    JobClient job = start(config, InferenceSources.content(config));
    try {
      awaitServing(job, OFFENSIVE, 2);
      awaitServing(job, SENTIMENT, 1);

      Map<String, ModelVersion> forged = new LinkedHashMap<>();
      ModelVersion relabelled = ModelVersion.newBuilder(v2).setVersion(12).build();
      relabelled.setLabels(List.of("not-offensive", "offensive"));
      forged.put("RELABELLED", relabelled);
      forged.put("REPLAYED", ModelVersion.newBuilder(v1).setVersion(13).build());
      forged.put(
          "RENAMED",
          ModelVersion.newBuilder(sentiment).setClassifier(OFFENSIVE).setVersion(14).build());
      forged.put(
          "REPARENTED", ModelVersion.newBuilder(v2).setVersion(15).setParentVersion(null).build());
      for (ModelVersion v : forged.values()) {
        publish(config, v);
      }

      Outputs out = readUntil(config, job, 0, 0, PARALLELISM * forged.size());
      Map<String, List<ModelAlert>> byReason =
          out.alerts.stream().collect(Collectors.groupingBy(ModelAlert::getReason));
      assertThat(byReason.keySet()).containsExactlyInAnyOrderElementsOf(forged.keySet());
      forged.forEach(
          (reason, v) ->
              assertThat(byReason.get(reason))
                  .as(reason)
                  .allSatisfy(
                      a -> {
                        assertThat(a.getClassifier()).isEqualTo(OFFENSIVE);
                        assertThat(a.getVersion()).isEqualTo(v.getVersion());
                        assertThat(a.getServingVersion()).isEqualTo(2);
                        assertThat(a.getMessage()).contains(reason);
                      })
                  .extracting(ModelAlert::getSubtask)
                  .containsExactlyInAnyOrder(0, 1));
      assertThat(byReason.get("RENAMED").get(0).getMessage()).contains("'" + SENTIMENT + "'");

      // The genuine version 2 still answers, with its own label order.
      Map<String, RecordMetadata> ids = produce(config, "t", 0, 40);
      Outputs served = readUntil(config, job, 2L * ids.size(), ids.size(), out.alerts.size());
      assertExactlyOnePredictionPerClassifier(served.predictions, ids.keySet());
      assertThat(versions(served.predictions, OFFENSIVE, ids.keySet())).containsOnly(2);
      assertThat(served.predictions)
          .filteredOn(p -> p.getClassifier().equals(OFFENSIVE))
          .allSatisfy(
              p -> assertThat(p.getScores()).containsOnlyKeys("offensive", "not-offensive"));
      awaitServing(job, OFFENSIVE, 2);
    } finally {
      job.cancel().get();
    }
  }

  /** (c) A real task failure mid-stream: restored from the checkpoint, nothing lost or doubled. */
  @Test
  void aTaskFailureLosesAndDuplicatesNothingAndRestoresTheVersionsFromState() throws Exception {
    InferenceConfig config = config();
    createTopics(config);
    publish(config, version(OFFENSIVE, 1, offensiveHead));
    publish(config, version(SENTIMENT, 3, sentimentHead));
    FailOnce.arm(-1);
    JobClient job =
        start(
            config,
            KafkaSources.avroBuilder(config.common(), config.contentTopic(), ContentEvent.class)
                .setDeserializer(new FailOnce(config.common().registry()))
                .build());
    try {
      awaitServing(job, OFFENSIVE, 1);
      awaitServing(job, SENTIMENT, 3);
      // Two completed checkpoints after both were accepted: the versions are in checkpointed state.
      long checkpoints = gaugeLong(job.getJobID(), ".numberOfCompletedCheckpoints");
      await()
          .atMost(DEADLINE)
          .until(
              () -> gaugeLong(job.getJobID(), ".numberOfCompletedCheckpoints") >= checkpoints + 2);

      FailOnce.arm(300);
      Map<String, RecordMetadata> ids = produce(config, "c", 0, 800);
      await().atMost(DEADLINE).until(() -> FailOnce.fired.get());
      Outputs out = readUntil(config, job, 2L * ids.size(), ids.size(), 0);

      assertExactlyOnePredictionPerClassifier(out.predictions, ids.keySet());
      assertThat(out.scored).hasSize(ids.size());
      assertThat(versions(out.predictions, OFFENSIVE, ids.keySet())).containsOnly(1);
      assertThat(versions(out.predictions, SENTIMENT, ids.keySet())).containsOnly(3);
      assertThat(out.alerts).isEmpty();
      assertThat(gaugeLong(job.getJobID(), ".numRestarts")).isGreaterThanOrEqualTo(1L);
      // The restarted subtasks accepted nothing from the model stream (its offsets were restored
      // past the versions), yet serve both: the versions came back from operator state.
      assertThat(it.counters(job.getJobID(), ".sieve.acceptedUpdates")).isZero();
      awaitServing(job, OFFENSIVE, 1);
      awaitServing(job, SENTIMENT, 3);
    } finally {
      FailOnce.arm(-1);
      job.cancel().get();
    }
  }

  /** (d) Cancel and resubmit three times in one cluster: the shared model reloads and serves. */
  @Test
  void servesAfterEachOfThreeCancelAndResubmitCycles() throws Exception {
    InferenceConfig config = config();
    createTopics(config);
    publish(config, version(OFFENSIVE, 1, offensiveHead));
    for (int round = 1; round <= 3; round++) {
      JobClient job = start(config, InferenceSources.content(config));
      try {
        awaitServing(job, OFFENSIVE, 1);
        await()
            .atMost(DEADLINE)
            .until(
                () ->
                    SharedEmbedders.references(EMBEDDING, EmbedderOptions.defaults())
                        == PARALLELISM);
        Map<String, RecordMetadata> ids = produce(config, "d" + round, 0, 20);
        Outputs out = readUntil(config, job, ids.size(), ids.size(), 0, ids.keySet());
        assertExactlyOnePredictionPerClassifier(out.predictions, ids.keySet(), OFFENSIVE);
      } finally {
        job.cancel().get();
      }
      await().atMost(DEADLINE).until(() -> ItStack.status(job) == JobStatus.CANCELED);
      // The last subtask to close released the network: the next submission loads a fresh one.
      await()
          .atMost(DEADLINE)
          .until(() -> SharedEmbedders.references(EMBEDDING, EmbedderOptions.defaults()) == 0);
    }
  }

  /**
   * (e) A fresh start with every classifier's versions already published (the last ones in a
   * transaction, so the topic ends with a commit marker) and content already waiting: the content
   * source wins the race, yet every event gets exactly one prediction per classifier, with the
   * classifier's current version.
   */
  @Test
  void aFreshStartPredictsEveryWaitingEventWithEveryClassifiersCurrentVersion() throws Exception {
    InferenceConfig config = config();
    createTopics(config);
    List<String> classifiers = List.of("c1", "c2", "c3", "c4", "c5");
    for (String classifier : classifiers) {
      publish(config, version(classifier, 1, sentimentHead));
    }
    publishInOneTransaction(
        config, version("c1", 2, sentimentHead), version("c5", 3, sentimentHead));
    Map<String, RecordMetadata> ids = produce(config, "e", 0, 2_000);

    JobClient job = start(config, InferenceSources.content(config));
    try {
      Outputs out = readUntil(config, job, 5L * ids.size(), ids.size(), 0);

      assertExactlyOnePredictionPerClassifier(
          out.predictions, ids.keySet(), classifiers.toArray(String[]::new));
      assertThat(versions(out.predictions, "c1", ids.keySet())).containsOnly(2);
      assertThat(versions(out.predictions, "c3", ids.keySet())).containsOnly(1);
      assertThat(versions(out.predictions, "c5", ids.keySet())).containsOnly(3);
      assertThat(out.scored).hasSize(ids.size());
      assertThat(out.scored.values())
          .allSatisfy(
              s ->
                  assertThat(s.getClassifiers())
                      .containsOnlyKeys(classifiers.toArray(String[]::new)));
      assertThat(out.alerts).isEmpty();
      assertThat(it.gauges(job.getJobID(), ".numRestarts")).first().isEqualTo(0L);
    } finally {
      job.cancel().get();
    }
  }

  // ---------------------------------------------------------------- job and topics

  private InferenceConfig config() {
    return InferenceConfig.fromArgs(it.jobArgs("--model-trusted-keys", KEY.publicBase64()));
  }

  private void createTopics(InferenceConfig config) {
    it.createTopics(
        List.of(
            new NewTopic(config.contentTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")),
            new NewTopic(config.predictionsTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.scoredTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.alertsTopic(), 1, (short) 1)));
  }

  private static JobClient start(InferenceConfig config, Source<ContentEvent, ?, ?> content)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    JobEnvironment.configure(env, config.common(), config.describe());
    InferenceJob.defineWorkflow(
        env,
        content,
        InferenceSources.models(config),
        InferenceSinks.predictions(config),
        InferenceSinks.scored(config),
        InferenceSinks.alerts(config),
        config);
    JobClient job = env.executeAsync("inference-job-it");
    ItStack.awaitRunning(job);
    return job;
  }

  /** Both subtasks serve {@code version} of {@code classifier} (the operator's gauges say so). */
  private void awaitServing(JobClient job, String classifier, int version) {
    it.awaitGauges(
        job,
        ".sieve.classifier." + classifier + ".modelVersion",
        values ->
            values.size() == PARALLELISM
                && values.stream().allMatch(v -> Integer.valueOf(version).equals(v)));
  }

  // ---------------------------------------------------------------- records in

  private static ModelVersion.Builder builder(String classifier, int version, byte[] head) {
    boolean offensive = OFFENSIVE.equals(classifier);
    return ModelVersion.newBuilder()
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
        .setSignature(null);
  }

  private static ModelVersion version(String classifier, int version, byte[] head) {
    return ModelVersions.signed(builder(classifier, version, head), KEY);
  }

  private void publish(InferenceConfig config, ModelVersion version) throws Exception {
    publishRaw(config, version.getClassifier(), modelCodec.encode(config.modelsTopic(), version));
  }

  private void publishRaw(InferenceConfig config, String classifier, byte[] value)
      throws Exception {
    it.send(config.modelsTopic(), classifier, value);
  }

  /** Publishes {@code versions} in one producer transaction: the log then ends with a marker. */
  private void publishInOneTransaction(InferenceConfig config, ModelVersion... versions)
      throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", it.bootstrapServers());
    props.put("transactional.id", it.prefix() + "models-publisher");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (ModelVersion v : versions) {
        producer.send(
            new ProducerRecord<>(
                config.modelsTopic(),
                v.getClassifier().getBytes(UTF8),
                modelCodec.encode(config.modelsTopic(), v)));
      }
      producer.commitTransaction();
    }
  }

  /** Content events {@code <tag>-<from>} … {@code <tag>-<to - 1>}; where each one landed. */
  private Map<String, RecordMetadata> produce(InferenceConfig config, String tag, int from, int to)
      throws Exception {
    List<String> ids = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = tag + "-" + i;
      ContentEvent event =
          ContentEvent.newBuilder()
              .setId(id)
              .setText(texts.get(i % texts.size()))
              .setTimestampMs(System.currentTimeMillis())
              .build();
      ids.add(id);
      values.add(contentCodec.encode(config.contentTopic(), event));
    }
    List<RecordMetadata> at = it.send(config.contentTopic(), ids, values);
    Map<String, RecordMetadata> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), at.get(i));
    }
    return out;
  }

  // ---------------------------------------------------------------- records out

  /** What the job wrote, read_committed. */
  private static final class Outputs {
    final List<Prediction> predictions = new ArrayList<>();
    final Map<String, ScoredContent> scored = new HashMap<>();
    final List<ModelAlert> alerts = new ArrayList<>();
    int scoredRecords;
  }

  private Outputs readUntil(
      InferenceConfig config, JobClient job, long predictions, int scored, int alerts)
      throws InterruptedException {
    return readUntil(config, job, predictions, scored, alerts, null);
  }

  /**
   * Reads the three output topics from the beginning until at least the expected counts are in
   * (only of {@code ids}, when given), then, one more checkpoint's worth later, everything they
   * hold, which would show any duplicate.
   */
  private Outputs readUntil(
      InferenceConfig config,
      JobClient job,
      long predictions,
      int scored,
      int alerts,
      java.util.Set<String> ids)
      throws InterruptedException {
    java.util.function.Predicate<String> wanted = id -> ids == null || ids.contains(id);
    it.readCommitted(
        config.predictionsTopic(),
        Prediction.class,
        job,
        read -> read.stream().filter(p -> wanted.test(p.getContentId())).count() >= predictions);
    it.readCommitted(
        config.scoredTopic(),
        ScoredContent.class,
        job,
        read -> read.stream().filter(s -> wanted.test(s.getContentId())).count() >= scored);
    it.readCommitted(config.alertsTopic(), ModelAlert.class, job, read -> read.size() >= alerts);
    it.awaitMoreCheckpoints(job, 2); // a duplicate committed late would be in the reads below
    Outputs out = new Outputs();
    for (ConsumerRecord<byte[], byte[]> r : it.readCommittedToEnd(config.predictionsTopic())) {
      Prediction p = predictionCodec.decode(r.value());
      if (wanted.test(p.getContentId())) {
        out.predictions.add(p);
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : it.readCommittedToEnd(config.scoredTopic())) {
      ScoredContent s = scoredCodec.decode(r.value());
      if (wanted.test(s.getContentId())) {
        out.scored.put(s.getContentId(), s);
        out.scoredRecords++;
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : it.readCommittedToEnd(config.alertsTopic())) {
      out.alerts.add(alertCodec.decode(r.value()));
    }
    assertThat(out.scoredRecords).as("scored records, one per event").isEqualTo(out.scored.size());
    return out;
  }

  private static void assertExactlyOnePredictionPerClassifier(
      List<Prediction> predictions, java.util.Set<String> ids, String... classifiers) {
    List<String> expected =
        classifiers.length == 0 ? List.of(OFFENSIVE, SENTIMENT) : List.of(classifiers);
    Map<String, Long> counts =
        predictions.stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.getContentId() + "/" + p.getClassifier(), Collectors.counting()));
    List<String> keys =
        ids.stream().flatMap(id -> expected.stream().map(c -> id + "/" + c)).toList();
    assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(counts.values()).allMatch(n -> n == 1L, "exactly one prediction each");
  }

  private static List<Integer> versions(
      List<Prediction> predictions, String classifier, java.util.Set<String> ids) {
    return predictions.stream()
        .filter(p -> p.getClassifier().equals(classifier) && ids.contains(p.getContentId()))
        .map(Prediction::getModelVersion)
        .distinct()
        .toList();
  }

  private static Map<String, Integer> byId(List<Prediction> predictions, String classifier) {
    return predictions.stream()
        .filter(p -> p.getClassifier().equals(classifier))
        .collect(Collectors.toMap(Prediction::getContentId, Prediction::getModelVersion));
  }

  // ---------------------------------------------------------------- failure injection

  /**
   * Reads content like the production source, but throws once, after {@code n} records (over all
   * subtasks) once armed: a real task failure, after which Flink restores from the last checkpoint.
   * Static state, because the job runs in this JVM.
   */
  static final class FailOnce implements KafkaRecordDeserializationSchema<ContentEvent> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger remaining = new AtomicInteger(-1);
    static final AtomicBoolean fired = new AtomicBoolean();

    private final KafkaRecordDeserializationSchema<ContentEvent> delegate;

    FailOnce(RegistryConfig registry) {
      this.delegate =
          KafkaRecordDeserializationSchema.valueOnly(
              new ConfluentAvroDeserializationSchema<>(registry, ContentEvent.class));
    }

    static void arm(int afterRecords) {
      fired.set(false);
      remaining.set(afterRecords);
    }

    @Override
    public void open(
        org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext ctx)
        throws Exception {
      delegate.open(ctx);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ContentEvent> out)
        throws IOException {
      if (remaining.get() >= 0 && remaining.getAndDecrement() == 0) {
        fired.set(true);
        throw new IOException("injected failure (test)");
      }
      delegate.deserialize(record, out);
    }

    @Override
    public TypeInformation<ContentEvent> getProducedType() {
      return delegate.getProducedType();
    }
  }

  // ---------------------------------------------------------------- plumbing

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /**
   * The 1,280 messages of the demo corpus bundled with the repository (customer messages of a web
   * shop, then of smart-home devices and a subscription app), in stream order; events cycle through
   * them under ids of their own.
   */
  private static List<String> loadTexts() {
    List<String> out = DemoCorpus.load().items().stream().map(DemoCorpus.Item::text).toList();
    assertThat(out).hasSize(1_280);
    return out;
  }

  private static <T> List<T> concat(java.util.Collection<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** The first of the job's gauges whose identifier ends with {@code suffix}; 0 while none. */
  private long gaugeLong(JobID jobId, String suffix) {
    List<Object> values = it.gauges(jobId, suffix);
    return values.isEmpty() ? 0L : ((Number) values.get(0)).longValue();
  }
}
