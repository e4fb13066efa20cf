package dev.sieve.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.learning.training.SignedRetraining;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.functions.RetrainTrigger;
import dev.sieve.retrain.io.RetrainSinks;
import dev.sieve.retrain.io.RetrainSources;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.Upgrades;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrading retrain-trigger: the labelled examples and the champion it keeps in keyed state survive
 * a stop with a canonical savepoint and a restore from it (unclaimed state refused). {@value
 * #BEFORE} of the {@value #EVERY} labels that trigger a training arrive before the stop, the rest
 * after the restore; the version trained then holds all {@value #EVERY} and follows the zero-shot
 * champion the job read before the stop, and it is published exactly once. Real MiniLM-int8
 * embeddings of the demo corpus and the real training, as in {@link RetrainTriggerIT}.
 */
class RetrainSavepointIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final SigningKey KEY = KEYS.signingKey();
  private static final String CLASSIFIER = "topic";
  private static final int EVERY = 200;
  private static final int BEFORE = 120;
  private static final int PARALLELISM = 2;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private static ModelVersion zeroShot;
  private static List<LabelledExample> examples;

  private final ItStack it = new ItStack("retrain-savepoint-it", METRICS);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);
  private final ConfluentAvroCodec<LabelledExample> exampleCodec = it.codec(LabelledExample.class);

  /** The demo's zero-shot version 0 and the first {@value #EVERY} labelled demo messages. */
  @BeforeAll
  static void embed() throws IOException {
    List<DemoCorpus.Item> items =
        DemoCorpus.load().phase(DemoCorpus.BEFORE_SHIFT).subList(0, EVERY);
    try (EmbedderHandle embedder = SharedEmbedders.acquire()) {
      zeroShot =
          ModelVersions.zeroShot(
              CLASSIFIER, 0, DemoCorpus.LABELS, DemoCorpus.DESCRIPTIONS, embedder, KEY);
      float[][] vectors = embedder.embed(items.stream().map(DemoCorpus.Item::text).toList());
      examples = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        examples.add(example(items.get(i), vectors[i], embedder.modelId()));
      }
    }
  }

  @Test
  void keepsItsExamplesAndChampionAcrossAStopWithSavepoint() throws Exception {
    RetrainConfig config =
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
    it.createTopics(
        List.of(
            new NewTopic(config.labelledTopic(), PARALLELISM, (short) 1),
            new NewTopic(config.requestsTopic(), 1, (short) 1),
            new NewTopic(config.modelsTopic(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));
    it.send(config.modelsTopic(), CLASSIFIER, modelCodec.encode(config.modelsTopic(), zeroShot));

    JobClient before = start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
    send(config, examples.subList(0, BEFORE));
    it.awaitCounter(before, RetrainTrigger.LABELS, BEFORE);
    String savepoint = Upgrades.stopWithSavepoint(before);
    assertThat(it.readCommittedToEnd(config.modelsTopic()))
        .as("sieve.models before the restore: the zero-shot version only")
        .hasSize(1);

    JobClient after = start(Upgrades.restoringFrom(savepoint), config);
    try {
      send(config, examples.subList(BEFORE, EVERY));
      List<ModelVersion> published =
          it.readCommitted(
              config.modelsTopic(),
              ModelVersion.class,
              after,
              read -> read.stream().anyMatch(v -> v.getVersion() == 1));
      ModelVersion v1 = published.get(published.size() - 1);
      System.out.println("RETRAIN savepoint: version 1 " + v1.getReason());
      assertThat(it.counter(after.getJobID(), RetrainTrigger.LABELS)).isEqualTo(EVERY - BEFORE);
      // Trained on the examples from before the stop too, after the champion read before it.
      assertThat(v1.getMetrics().getTrainingSize()).isEqualTo(EVERY);
      assertThat(v1.getParentVersion()).isEqualTo(0);
      assertThat(v1.getReason()).startsWith("new-labels");
      // Three more checkpoints: version 1 once, nothing else.
      long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      assertThat(
              it.readCommitted(
                  config.modelsTopic(), ModelVersion.class, read -> System.nanoTime() > until))
          .extracting(ModelVersion::getVersion)
          .containsExactly(0, 1);
    } finally {
      after.cancel().get();
    }
  }

  private static JobClient start(StreamExecutionEnvironment env, RetrainConfig config)
      throws Exception {
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
    JobClient job = env.executeAsync("retrain-savepoint-it");
    ItStack.awaitRunning(job);
    return job;
  }

  private void send(RetrainConfig config, List<LabelledExample> batch) throws Exception {
    List<String> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (LabelledExample e : batch) {
      keys.add(e.getContentId());
      values.add(exampleCodec.encode(config.labelledTopic(), e));
    }
    it.send(config.labelledTopic(), keys, values);
  }

  private static LabelledExample example(DemoCorpus.Item item, float[] embedding, String model) {
    List<Float> values = new ArrayList<>(embedding.length);
    for (float v : embedding) {
      values.add(v);
    }
    return LabelledExample.newBuilder()
        .setContentId(item.id())
        .setClassifier(CLASSIFIER)
        .setText(item.text())
        .setEmbeddingModel(model)
        .setEmbedding(values)
        .setLabel(item.label())
        .setLabeler("it")
        .setLabeledAtMs(System.currentTimeMillis())
        .build();
  }
}
