package dev.sieve.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.learning.training.SignedRetraining;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersionValidator;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.model.Validation;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.functions.RetrainTrigger;
import dev.sieve.retrain.io.RetrainSinks;
import dev.sieve.retrain.io.RetrainSources;
import dev.sieve.schemas.ClassMetrics;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelMetrics;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * retrain-trigger end to end on the embedded stack — in-process Kafka broker, Apicurio registry, a
 * MiniCluster (RocksDB, 1 s checkpoints) running the job at parallelism 2, exactly-once — with real
 * MiniLM-int8 embeddings of the demo corpus bundled with the repository, the demo's signed
 * zero-shot version 0 as champion, and the real training.
 *
 * <p>The labels are the corpus's own, for its first web-shop messages in stream order (what the
 * demo's oracle labeler answers first). Measured with the real model (AVX-512 VNNI): on the same 5
 * folds of the {@value #EVERY} clean labels the challenger's macro-F1 is 0.898 (accuracy 0.905)
 * against the zero-shot champion's 0.717 (accuracy 0.740), a gain of +0.18 against the publish
 * margin of 0.01; with the {@value #NOISY} coin-flip labels added, the challenger scores 0.570
 * against version 1's 0.681 (-0.11). With every embedding perturbed by 3e-4 (more than another
 * CPU's int8 kernels change): 0.904 vs 0.717, and 0.568 vs 0.682.
 */
class RetrainTriggerIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final SigningKey KEY = KEYS.signingKey();
  private static final String CLASSIFIER = "topic";
  private static final List<String> LABELS = DemoCorpus.LABELS;
  private static final int EVERY = 200;
  private static final int NOISY = 150;
  private static final int PARALLELISM = 2;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** The publish decision's figures in a version's reason: challenger, then champion. */
  private static final Pattern DECISION =
      Pattern.compile("challenger macro-F1 (\\d\\.\\d+) vs champion (\\d\\.\\d+)");

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private static ModelVersion zeroShot;
  private static ModelVersionValidator validator;
  private static List<LabelledExample> clean;
  private static List<LabelledExample> noisy;

  private final ItStack it = new ItStack("retrain-it", METRICS);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);
  private final ConfluentAvroCodec<LabelledExample> exampleCodec = it.codec(LabelledExample.class);
  private final ConfluentAvroCodec<RetrainRequest> requestCodec = it.codec(RetrainRequest.class);

  /**
   * The demo's zero-shot version 0, the inference side's validator, and two batches of really
   * embedded messages of the demo corpus's first phase, in stream order: the first {@value #EVERY}
   * with their labels, the next {@value #NOISY} with labels that are coin flips (seeded).
   */
  @BeforeAll
  static void embed() throws IOException {
    List<DemoCorpus.Item> all =
        DemoCorpus.load().phase(DemoCorpus.BEFORE_SHIFT).subList(0, EVERY + NOISY);
    try (EmbedderHandle embedder = SharedEmbedders.acquire()) {
      zeroShot =
          ModelVersions.zeroShot(CLASSIFIER, 0, LABELS, DemoCorpus.DESCRIPTIONS, embedder, KEY);
      validator =
          ModelVersionValidator.forEmbedder(KEY.trusted(), ModelBounds.defaults(), embedder);
      float[][] vectors = embedder.embed(all.stream().map(DemoCorpus.Item::text).toList());
      Random coin = new Random(7);
      clean = new ArrayList<>();
      noisy = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        DemoCorpus.Item item = all.get(i);
        String label = i < EVERY ? item.label() : LABELS.get(coin.nextInt(LABELS.size()));
        (i < EVERY ? clean : noisy)
            .add(example(item.id(), item.text(), vectors[i], label, embedder.modelId()));
      }
    }
  }

  @Test
  void publishesASignedBetterVersionAfterNLabelsAndNotAChallengerTrainedOnNoise() throws Exception {
    RetrainConfig config = config();
    createTopics(config);
    it.send(config.modelsTopic(), CLASSIFIER, modelCodec.encode(config.modelsTopic(), zeroShot));
    JobClient job = start(config);
    try {
      // (1) N good labels → version 1, trained, evaluated, signed, published.
      for (LabelledExample e : clean) {
        it.send(
            config.labelledTopic(),
            e.getContentId(),
            exampleCodec.encode(config.labelledTopic(), e));
      }
      List<ModelVersion> published = awaitVersions(config, job, 1);
      ModelVersion v1 = published.get(published.size() - 1);
      System.out.println("RETRAIN version 1: " + v1.getReason());
      assertThat(v1.getVersion()).isEqualTo(1);
      assertThat(v1.getParentVersion()).isEqualTo(0);
      assertThat(v1.getLabels()).isEqualTo(LABELS);
      assertThat(v1.getReason()).startsWith("new-labels: better");
      // Really better than the zero-shot champion, not only by the publish margin: measured
      // +0.18 (0.898 vs 0.717 on the same folds).
      Matcher gain = DECISION.matcher(v1.getReason());
      assertThat(gain.find()).as(v1.getReason()).isTrue();
      assertThat(Double.parseDouble(gain.group(1)) - Double.parseDouble(gain.group(2)))
          .as("challenger minus champion macro-F1: %s", v1.getReason())
          .isGreaterThan(0.1);
      assertThat(v1.getTrainingMs()).isPositive();
      ModelMetrics metrics = v1.getMetrics();
      assertThat(metrics).isNotNull();
      assertThat(metrics.getTrainingSize()).isEqualTo(EVERY);
      assertThat(metrics.getFolds()).isEqualTo(5);
      // Measured 0.905 and 0.898; the zero-shot champion's were 0.740 and 0.717.
      assertThat(metrics.getAccuracy()).isGreaterThan(0.82);
      assertThat(metrics.getMacroF1()).isGreaterThan(0.82);
      assertThat(metrics.getPerClass())
          .extracting(ClassMetrics::getLabel)
          .containsExactlyElementsOf(LABELS);
      assertThat(metrics.getConfusion()).hasSize(LABELS.size());
      assertThat(
              metrics.getConfusion().stream()
                  .flatMap(List::stream)
                  .mapToInt(Integer::intValue)
                  .sum())
          .isEqualTo(EVERY);
      Validation validation = validator.validate(v1);
      assertThat(validation.ok()).as(validation.message()).isTrue();
      validation.head().close();

      // (2) Noise-labelled examples and a manual request → trained, judged, not published.
      for (LabelledExample e : noisy) {
        it.send(
            config.labelledTopic(),
            e.getContentId(),
            exampleCodec.encode(config.labelledTopic(), e));
      }
      await()
          .atMost(DEADLINE)
          .until(() -> it.counter(job.getJobID(), RetrainTrigger.LABELS) >= EVERY + NOISY);
      RetrainRequest manual =
          RetrainRequest.newBuilder()
              .setClassifier(CLASSIFIER)
              .setReason("manual")
              .setDetail("it")
              .setRequestedAtMs(System.currentTimeMillis())
              .build();
      it.send(
          config.requestsTopic(), CLASSIFIER, requestCodec.encode(config.requestsTopic(), manual));
      await()
          .atMost(DEADLINE)
          .failFast("the job failed or ended", () -> ItStack.status(job).isGloballyTerminalState())
          .until(() -> it.counter(job.getJobID(), RetrainTrigger.NOT_PUBLISHED) >= 1);

      assertThat(it.counter(job.getJobID(), RetrainTrigger.TRAININGS)).isEqualTo(2);
      assertThat(it.counter(job.getJobID(), RetrainTrigger.PUBLISHED)).isEqualTo(1);
      // Three more checkpoints (each commits the sink's transaction): still no version 2.
      assertThat(readVersions(config, Duration.ofSeconds(4)))
          .extracting(ModelVersion::getVersion)
          .containsExactly(0, 1);
    } finally {
      job.cancel().get();
    }
  }

  /**
   * A champion on sieve.models that does not verify — the zero-shot version with its labels
   * reversed and re-published as version 5, head, digest and signature untouched — is ignored with
   * an alert: the next version follows the genuine version 0, in its label order.
   */
  @Test
  void ignoresAnUnverifiedChampionWithAnAlertAndFollowsTheVerifiedOne() throws Exception {
    RetrainConfig config = config();
    createTopics(config);
    it.send(config.modelsTopic(), CLASSIFIER, modelCodec.encode(config.modelsTopic(), zeroShot));
    ModelVersion forged = ModelVersion.newBuilder(zeroShot).setVersion(5).build();
    List<String> reversed = new ArrayList<>(LABELS);
    java.util.Collections.reverse(reversed);
    forged.setLabels(reversed);
    it.send(config.modelsTopic(), CLASSIFIER, modelCodec.encode(config.modelsTopic(), forged));
    JobClient job = start(config);
    try {
      List<ModelAlert> alerts =
          it.readCommitted(
              config.common().topic(Topics.MODEL_ALERTS),
              ModelAlert.class,
              job,
              read -> !read.isEmpty());
      assertThat(alerts).hasSize(1);
      assertThat(alerts.get(0).getReason()).isEqualTo("RELABELLED");
      assertThat(alerts.get(0).getVersion()).isEqualTo(5);
      assertThat(alerts.get(0).getServingVersion()).isEqualTo(0);
      assertThat(alerts.get(0).getMessage()).contains("retrain-trigger").contains(CLASSIFIER);
      assertThat(it.counter(job.getJobID(), RetrainTrigger.REFUSED)).isEqualTo(1);

      for (LabelledExample e : clean) {
        it.send(
            config.labelledTopic(),
            e.getContentId(),
            exampleCodec.encode(config.labelledTopic(), e));
      }
      List<ModelVersion> published = awaitVersions(config, job, 1);
      ModelVersion v1 = published.get(published.size() - 1);
      assertThat(v1.getParentVersion()).isEqualTo(0);
      assertThat(v1.getLabels()).isEqualTo(LABELS);
    } finally {
      job.cancel().get();
    }
  }

  // ---------------------------------------------------------------- job and topics

  private RetrainConfig config() {
    return RetrainConfig.fromArgs(
        it.jobArgs(
            "--retrain-every",
            Integer.toString(EVERY),
            "--min-retrain-interval",
            "1s",
            KEYS.publisherArgs()[0],
            KEYS.publisherArgs()[1],
            KEYS.publisherArgs()[2],
            KEYS.publisherArgs()[3]));
  }

  private void createTopics(RetrainConfig config) {
    it.createTopics(
        List.of(
            new NewTopic(config.labelledTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.requestsTopic(), 1, (short) 1),
            new NewTopic(config.common().topic(Topics.MODEL_ALERTS), 1, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));
  }

  private static JobClient start(RetrainConfig config) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
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
    JobClient job = env.executeAsync("retrain-trigger-it");
    ItStack.awaitRunning(job);
    return job;
  }

  // ---------------------------------------------------------------- records

  private static LabelledExample example(
      String id, String text, float[] embedding, String label, String model) {
    List<Float> values = new ArrayList<>(embedding.length);
    for (float v : embedding) {
      values.add(v);
    }
    return LabelledExample.newBuilder()
        .setContentId(id)
        .setClassifier(CLASSIFIER)
        .setText(text)
        .setEmbeddingModel(model)
        .setEmbedding(values)
        .setLabel(label)
        .setLabeler("it")
        .setLabeledAtMs(System.currentTimeMillis())
        .build();
  }

  /** Reads sieve.models (read_committed) until it holds {@code version}; every version read. */
  private List<ModelVersion> awaitVersions(RetrainConfig config, JobClient job, int version) {
    return it.readCommitted(
        config.modelsTopic(),
        ModelVersion.class,
        job,
        read -> read.stream().anyMatch(v -> v.getVersion() == version));
  }

  /** Everything sieve.models holds after reading for {@code period}. */
  private List<ModelVersion> readVersions(RetrainConfig config, Duration period) {
    long until = System.nanoTime() + period.toNanos();
    return it.readCommitted(
        config.modelsTopic(), ModelVersion.class, read -> System.nanoTime() > until);
  }
}
