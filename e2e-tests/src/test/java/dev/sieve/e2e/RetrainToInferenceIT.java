package dev.sieve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.TopicsCommand;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.inference.InferenceJob;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelSigning;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.retrain.RetrainJob;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The learning loop closed on the embedded stack: the retrain-trigger and the inference job run at
 * once in one MiniCluster (1 TaskManager, 4 slots, each job at parallelism 2, exactly-once, 1 s
 * checkpoints). Labelled examples with real MiniLM embeddings of the demo corpus's messages arrive;
 * the retrain-trigger trains, signs and publishes version 2; the running inference job swaps it in,
 * and its predictions carry version 2.
 *
 * <p>Version 1 is the demo's zero-shot topic head, which trained on no label, so the challenger is
 * compared with it on every label received. Measured with the real model: trained on the first 100,
 * 110 or 120 labelled messages (whichever have arrived when the trigger fires), the challenger's
 * cross-validated macro-F1 was 0.848 / 0.881 / 0.855 against version 1's 0.693 / 0.686 / 0.689
 * (2026-12-06 with the candidate networks: 0.906 against 0.699 on 100 labels), so it is published
 * (margin 0.01) with a gain of 0.15 or more.
 */
class RetrainToInferenceIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final SigningKey KEY = KEYS.signingKey();
  private static final String CLASSIFIER = "topic";
  private static final List<String> LABELS = DemoCorpus.LABELS;
  private static final int EVERY = 100;
  private static final int EXAMPLES = 120;
  private static final int CONTENT = 50;
  private static final int PARALLELISM = 2;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2 * PARALLELISM);

  private static ModelVersion zeroShot;
  private static List<LabelledExample> examples;
  private static List<String> testTexts;

  private final ItStack it = new ItStack("it-loop", METRICS);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);
  private final ConfluentAvroCodec<LabelledExample> exampleCodec = it.codec(LabelledExample.class);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);

  /**
   * The signed zero-shot v1 (the demo's label descriptions), the first {@value #EXAMPLES} web-shop
   * messages of the demo corpus in stream order, really embedded and labelled as the corpus labels
   * them, and the {@value #CONTENT} messages after them, unlabelled, to score.
   */
  @BeforeAll
  static void embed() throws IOException {
    List<DemoCorpus.Item> phase1 = DemoCorpus.load().phase(DemoCorpus.BEFORE_SHIFT);
    List<DemoCorpus.Item> train = phase1.subList(0, EXAMPLES);
    testTexts =
        phase1.subList(EXAMPLES, EXAMPLES + CONTENT).stream().map(DemoCorpus.Item::text).toList();
    try (EmbedderHandle embedder = SharedEmbedders.acquire()) {
      zeroShot =
          ModelVersions.zeroShot(CLASSIFIER, 1, LABELS, DemoCorpus.DESCRIPTIONS, embedder, KEY);
      float[][] vectors = embedder.embed(train.stream().map(DemoCorpus.Item::text).toList());
      examples = new ArrayList<>();
      for (int i = 0; i < train.size(); i++) {
        List<Float> values = new ArrayList<>(vectors[i].length);
        for (float v : vectors[i]) {
          values.add(v);
        }
        examples.add(
            LabelledExample.newBuilder()
                .setContentId(train.get(i).id())
                .setClassifier(CLASSIFIER)
                .setText(train.get(i).text())
                .setEmbeddingModel(embedder.modelId())
                .setEmbedding(values)
                .setLabel(train.get(i).label())
                .setLabeler("it")
                .setLabeledAtMs(System.currentTimeMillis())
                .build());
      }
    }
  }

  @Test
  void labelsRetrainAndTheRunningInferenceJobServesTheNewSignedVersion() throws Exception {
    InferenceConfig inference =
        InferenceConfig.fromArgs(it.jobArgs("--model-trusted-keys", KEYS.publicKey().toString()));
    RetrainConfig retrain =
        RetrainConfig.fromArgs(
            it.jobArgs(
                "--retrain-every",
                Integer.toString(EVERY),
                "--min-retrain-interval",
                "1s",
                KEYS.publisherArgs()[0],
                KEYS.publisherArgs()[1],
                KEYS.publisherArgs()[2],
                KEYS.publisherArgs()[3]));
    it.createTopics(TopicsCommand.newTopics(it.prefix(), PARALLELISM, (short) 1));
    it.send(
        inference.modelsTopic(), CLASSIFIER, modelCodec.encode(inference.modelsTopic(), zeroShot));

    JobClient inferenceJob = null;
    JobClient retrainJob = null;
    try {
      StreamExecutionEnvironment inferenceEnv =
          StreamExecutionEnvironment.getExecutionEnvironment();
      inferenceEnv.setParallelism(PARALLELISM);
      InferenceJob.defineKafkaJob(inferenceEnv, inference);
      inferenceJob = inferenceEnv.executeAsync("inference-it");

      StreamExecutionEnvironment retrainEnv = StreamExecutionEnvironment.getExecutionEnvironment();
      retrainEnv.setParallelism(PARALLELISM);
      RetrainJob.defineKafkaJob(retrainEnv, retrain);
      retrainJob = retrainEnv.executeAsync("retrain-it");

      ItStack.awaitRunning(inferenceJob);
      ItStack.awaitRunning(retrainJob);
      awaitServing(inferenceJob, 1);

      // (1) Labelled examples arrive → the retrain-trigger trains, signs and publishes v2.
      List<byte[]> labelled = new ArrayList<>();
      for (LabelledExample e : examples) {
        labelled.add(exampleCodec.encode(retrain.labelledTopic(), e));
      }
      it.send(
          retrain.labelledTopic(),
          examples.stream().map(LabelledExample::getContentId).toList(),
          labelled);
      ModelVersion v2 = awaitVersion(retrain.modelsTopic(), retrainJob, 2);
      assertThat(v2.getClassifier()).isEqualTo(CLASSIFIER);
      assertThat(v2.getParentVersion()).isEqualTo(1);
      assertThat(v2.getLabels()).isEqualTo(LABELS);
      System.out.println("LOOP version 2: " + v2.getReason());
      assertThat(v2.getReason()).startsWith("new-labels: better");
      // Chosen among candidates: a network retrain-trigger tries, or none for a lexical head; the
      // candidate table says which won, and the inference job loads the network it names.
      System.out.println(
          "LOOP version 2 reads: " + v2.getFeatures() + " " + v2.getEmbeddingModelId());
      assertThat(v2.getCandidates()).filteredOn(c -> c.getChosen()).hasSize(1);
      assertThat(v2.getReason())
          .contains(
              v2.getCandidates().stream()
                  .filter(c -> c.getChosen())
                  .findFirst()
                  .orElseThrow()
                  .getName());
      if (!"lexical".contentEquals(v2.getFeatures())) {
        assertThat(v2.getEmbeddingModelId()).isIn(retrain.candidateNetworks().toArray());
      }
      assertThat(v2.getMetrics()).isNotNull();
      assertThat(v2.getMetrics().getTrainingSize()).isBetween(EVERY, EXAMPLES);
      assertThat(v2.getDigest()).isEqualTo(ModelSigning.sha256Hex(ModelVersions.headBytes(v2)));
      assertThat(ModelSigning.verify(v2, KEY.publicKey()))
          .as("v2 is signed with the shared key")
          .isTrue();

      // (2) The running inference job swaps it in on every subtask …
      awaitServing(inferenceJob, 2);

      // (3) … and scores new content with it.
      Map<String, String> ids = new LinkedHashMap<>();
      List<byte[]> content = new ArrayList<>();
      for (int i = 0; i < testTexts.size(); i++) {
        String id = "t-" + i;
        ids.put(id, testTexts.get(i));
        ContentEvent event =
            ContentEvent.newBuilder()
                .setId(id)
                .setText(testTexts.get(i))
                .setTimestampMs(System.currentTimeMillis())
                .build();
        content.add(contentCodec.encode(inference.contentTopic(), event));
      }
      it.send(inference.contentTopic(), new ArrayList<>(ids.keySet()), content);
      Map<String, List<Prediction>> predictions =
          awaitPredictions(inference.predictionsTopic(), inferenceJob, ids.size());
      assertThat(predictions.keySet()).containsExactlyInAnyOrderElementsOf(ids.keySet());
      assertThat(predictions.values()).allSatisfy(ps -> assertThat(ps).hasSize(1));
      assertThat(predictions.values().stream().flatMap(List::stream))
          .allSatisfy(
              p -> {
                assertThat(p.getModelVersion()).isEqualTo(2);
                assertThat(p.getLabel()).isIn(LABELS.toArray());
              });
    } finally {
      if (retrainJob != null) {
        retrainJob.cancel().get();
      }
      if (inferenceJob != null) {
        inferenceJob.cancel().get();
      }
    }
  }

  // ---------------------------------------------------------------- awaiting

  /** Every inference subtask serves {@code version} of the classifier (its gauge says so). */
  private void awaitServing(JobClient inference, int version) {
    it.awaitGauges(
        inference,
        ".sieve.classifier." + CLASSIFIER + ".modelVersion",
        values ->
            values.size() == PARALLELISM
                && values.stream().allMatch(v -> Integer.valueOf(version).equals(v)));
  }

  /** Reads the models topic (read_committed) until it holds {@code version} of the classifier. */
  private ModelVersion awaitVersion(String topic, JobClient retrain, int version) {
    return it
        .readCommitted(topic, ModelVersion.class, retrain, read -> isIn(read, version))
        .stream()
        .filter(v -> is(v, version))
        .reduce((first, second) -> second)
        .orElseThrow();
  }

  private static boolean isIn(List<ModelVersion> read, int version) {
    return read.stream().anyMatch(v -> is(v, version));
  }

  private static boolean is(ModelVersion v, int version) {
    return CLASSIFIER.equals(v.getClassifier()) && v.getVersion() == version;
  }

  /**
   * Predictions of the classifier by content id, read_committed, until {@code ids} ids have one.
   */
  private Map<String, List<Prediction>> awaitPredictions(
      String topic, JobClient inference, int ids) {
    return byId(
        it.readCommitted(topic, Prediction.class, inference, read -> byId(read).size() >= ids));
  }

  /** The classifier's predictions by content id. */
  private static Map<String, List<Prediction>> byId(List<Prediction> predictions) {
    Map<String, List<Prediction>> out = new HashMap<>();
    for (Prediction p : predictions) {
      if (CLASSIFIER.equals(p.getClassifier())) {
        out.computeIfAbsent(p.getContentId(), k -> new ArrayList<>()).add(p);
      }
    }
    return out;
  }
}
