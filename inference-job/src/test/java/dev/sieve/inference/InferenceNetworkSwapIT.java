package dev.sieve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.io.InferenceSinks;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.inference.runtime.SieveModelRuntime;
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
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A classifier moved from one embedding network to another and back is a normal hot swap: on the
 * real stack (in-process Kafka, Apicurio, a MiniCluster at parallelism 2, exactly-once, outputs
 * read {@code read_committed}), version 1 of {@code offensive} reads int8 MiniLM (the job's primary
 * network), version 2, published mid-stream, reads e5-small-v2 with its "query: " prefix, and
 * version 3 reads MiniLM again. The job loads e5 when version 2 is accepted and releases it after
 * version 3; every event gets exactly one prediction, named after the version current when it was
 * scored.
 */
class InferenceNetworkSwapIT {

  private static final SigningKey KEY = SigningKey.generate();
  private static final String OFFENSIVE = "offensive";
  private static final List<String> LABELS = List.of("offensive", "not-offensive");
  private static final List<String> DESCRIPTIONS =
      List.of(
          "an insulting, rude, hateful or offensive message",
          "a polite, neutral or friendly message");
  private static final int PARALLELISM = 2;
  private static final int CHUNK = 400;
  private static final EmbeddingModel MINILM = EmbeddingModel.MINILM_L6_V2_Q;
  private static final EmbeddingModel E5 = EmbeddingModel.E5_SMALL_V2_Q_QUERY;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private static List<String> texts;
  private static byte[] miniLmHead;
  private static byte[] e5Head;

  private final ItStack it = new ItStack("network-swap-it", METRICS);

  /** Zero-shot heads on each network; the test's own handles are released afterwards. */
  @BeforeAll
  static void buildHeads() throws IOException {
    texts = DemoCorpus.load().items().stream().map(DemoCorpus.Item::text).toList();
    miniLmHead = zeroShot(MINILM);
    e5Head = zeroShot(E5);
  }

  private static byte[] zeroShot(EmbeddingModel network) throws IOException {
    try (EmbedderHandle embedder = SharedEmbedders.acquire(network, EmbedderOptions.defaults())) {
      return ZeroShotHead.build(embedder, LABELS, DESCRIPTIONS, ZeroShotHead.DEFAULT_TEMPERATURE);
    }
  }

  @Test
  void swapsAClassifierToAnotherNetworkAndBackWithoutLosingOrRepeatingAPrediction()
      throws Exception {
    InferenceConfig config =
        InferenceConfig.fromArgs(it.jobArgs("--model-trusted-keys", KEY.publicBase64()));
    EmbedderOptions options = SieveModelRuntime.of(config).embedderOptions();
    it.createTopics(
        List.of(
            new NewTopic(config.contentTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")),
            new NewTopic(config.predictionsTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.scoredTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.alertsTopic(), 1, (short) 1)));
    publish(config, version(1, MINILM, miniLmHead));
    JobClient job = start(config);
    try {
      awaitServing(job, 1);
      awaitNetworks(job, 1);
      assertThat(SharedEmbedders.references(E5, options)).isZero();

      // v2 on e5 arrives while the first chunk streams.
      Map<String, RecordMetadata> first = produce(config, 0, CHUNK);
      publish(config, version(2, E5, e5Head));
      awaitServing(job, 2);
      awaitNetworks(job, 2);
      // One loaded copy of e5 in this JVM, held by both subtasks.
      assertThat(SharedEmbedders.references(E5, options)).isEqualTo(PARALLELISM);

      Map<String, RecordMetadata> second = produce(config, CHUNK, 2 * CHUNK);
      awaitPredictions(config, job, second.keySet()); // all scored before v3 can arrive
      publish(config, version(3, MINILM, miniLmHead));
      awaitServing(job, 3);
      awaitNetworks(job, 1);
      assertThat(SharedEmbedders.references(E5, options)).isZero(); // e5 closed
      Map<String, RecordMetadata> third = produce(config, 2 * CHUNK, 3 * CHUNK);

      Map<String, RecordMetadata> all = new LinkedHashMap<>(first);
      all.putAll(second);
      all.putAll(third);
      awaitPredictions(config, job, all.keySet());
      it.awaitMoreCheckpoints(job, 2); // a duplicate committed late would be in the reads below
      List<Prediction> predictions = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : it.readCommittedToEnd(config.predictionsTopic())) {
        predictions.add(it.codec(Prediction.class).decode(r.value()));
      }
      Map<String, Long> perEvent =
          predictions.stream()
              .collect(Collectors.groupingBy(Prediction::getContentId, Collectors.counting()));
      assertThat(perEvent.keySet()).containsExactlyInAnyOrderElementsOf(all.keySet());
      assertThat(perEvent.values()).allMatch(n -> n == 1L, "exactly one prediction per event");

      Map<String, Integer> version =
          predictions.stream()
              .collect(Collectors.toMap(Prediction::getContentId, Prediction::getModelVersion));
      assertThat(second.keySet()).allSatisfy(id -> assertThat(version.get(id)).isEqualTo(2));
      assertThat(third.keySet()).allSatisfy(id -> assertThat(version.get(id)).isEqualTo(3));
      // Each content partition is read by one subtask in order: its versions only rise.
      Map<Integer, List<Integer>> sequences = new HashMap<>();
      all.entrySet().stream()
          .sorted((x, y) -> Long.compare(x.getValue().offset(), y.getValue().offset()))
          .forEach(
              e ->
                  sequences
                      .computeIfAbsent(e.getValue().partition(), p -> new ArrayList<>())
                      .add(version.get(e.getKey())));
      sequences.values().forEach(seq -> assertThat(seq).isSorted().contains(2).endsWith(3));
      assertThat(predictions)
          .allSatisfy(
              p -> {
                assertThat(p.getLabel()).isIn(LABELS);
                assertThat(p.getScores().values().stream().mapToDouble(Double::doubleValue).sum())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
              });

      // What the active-learning job reads stays on the primary network throughout.
      List<ScoredContent> scored =
          it.readCommitted(
              config.scoredTopic(), ScoredContent.class, job, read -> read.size() >= all.size());
      assertThat(scored)
          .allSatisfy(
              s -> {
                assertThat(s.getEmbeddingModel()).isEqualTo(MINILM.id());
                assertThat(s.getEmbedding()).hasSize(MINILM.dimension());
              });
      assertThat(it.readAll(config.alertsTopic(), ModelAlert.class, job)).isEmpty();
      assertThat(it.gauges(job.getJobID(), ".numRestarts")).first().isEqualTo(0L);
    } finally {
      job.cancel().get();
    }
  }

  private JobClient start(InferenceConfig config) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
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
    JobClient job = env.executeAsync("inference-network-swap-it");
    ItStack.awaitRunning(job);
    return job;
  }

  private void awaitServing(JobClient job, int version) {
    it.awaitGauges(
        job,
        ".sieve.classifier." + OFFENSIVE + ".modelVersion",
        values ->
            values.size() == PARALLELISM
                && values.stream().allMatch(v -> Integer.valueOf(version).equals(v)));
  }

  /** Every subtask holds {@code count} embedding networks. */
  private void awaitNetworks(JobClient job, int count) {
    it.awaitGauges(
        job,
        ".sieve.embeddingNetworks",
        values ->
            values.size() == PARALLELISM
                && values.stream().allMatch(v -> Integer.valueOf(count).equals(v)));
  }

  /** Waits until every one of {@code ids} has a committed prediction. */
  private void awaitPredictions(InferenceConfig config, JobClient job, Set<String> ids) {
    it.readCommitted(
        config.predictionsTopic(),
        Prediction.class,
        job,
        read ->
            read.stream()
                .map(Prediction::getContentId)
                .collect(Collectors.toSet())
                .containsAll(ids));
  }

  private static ModelVersion version(int version, EmbeddingModel network, byte[] head) {
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier(OFFENSIVE)
            .setVersion(version)
            .setParentVersion(version == 1 ? null : version - 1)
            .setLabels(LABELS)
            .setLabelDescriptions(DESCRIPTIONS)
            .setHead(ByteBuffer.wrap(head))
            .setEmbeddingModelId(network.id())
            .setEmbeddingModelDigest(network.digest())
            .setReason("zero-shot")
            .setCreatedAtMs(System.currentTimeMillis())
            .setDigest("")
            .setSignature(null),
        KEY);
  }

  private void publish(InferenceConfig config, ModelVersion version) throws Exception {
    it.send(
        config.modelsTopic(),
        version.getClassifier(),
        it.codec(ModelVersion.class).encode(config.modelsTopic(), version));
  }

  /** Content events {@code n-<from>} … {@code n-<to - 1>}; where each one landed. */
  private Map<String, RecordMetadata> produce(InferenceConfig config, int from, int to)
      throws Exception {
    List<String> ids = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = "n-" + i;
      ContentEvent event =
          ContentEvent.newBuilder()
              .setId(id)
              .setText(texts.get(i % texts.size()))
              .setTimestampMs(System.currentTimeMillis())
              .build();
      ids.add(id);
      values.add(it.codec(ContentEvent.class).encode(config.contentTopic(), event));
    }
    List<RecordMetadata> at = it.send(config.contentTopic(), ids, values);
    Map<String, RecordMetadata> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), at.get(i));
    }
    return out;
  }
}
