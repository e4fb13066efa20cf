package dev.sieve.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.training.SignedRetraining;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.OnnxHeads;
import dev.sieve.model.SigningKey;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.functions.RetrainTrigger;
import dev.sieve.retrain.io.RetrainSinks;
import dev.sieve.retrain.io.RetrainSources;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.faults.Faults;
import dev.sieve.testkit.faults.FaultySink;
import dev.sieve.testkit.faults.FaultySource;
import dev.sieve.testkit.faults.Recovery;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * retrain-trigger survives five failures in five places over 5,000 labelled examples, on the real
 * stack (broker, registry, MiniCluster with RocksDB and 1 s checkpoints, exactly-once) with the
 * real training: the labelled-examples source, the models sink's writer right after a training (so
 * the restored job trains again and publishes the same version number again, in a new transaction),
 * the models sink's commit, the source that reads published versions back, and the TaskManager.
 *
 * <p>Each batch of 1,000 examples (embeddings clustered by label, seeded) brings one new label, so
 * each of the five trainings publishes (a changed label set needs no better score). Afterwards
 * {@code sieve.models} holds versions 0 to 5, each exactly once, each the child of the one before,
 * and the last was trained on all 5,000 examples: the examples and the champion survived in state.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class RetrainRecoveryIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final SigningKey KEY = KEYS.signingKey();
  private static final String CLASSIFIER = "topic";
  private static final EmbeddingModel EMBEDDING = EmbeddingModel.MINILM_L6_V2_Q;
  private static final int BATCH = 1_000;
  private static final int BATCHES = 5;
  private static final int PARALLELISM = 2;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, PARALLELISM);

  private final ItStack it = new ItStack("retrain-recovery-it", METRICS);
  private final ConfluentAvroCodec<ModelVersion> modelCodec = it.codec(ModelVersion.class);
  private final ConfluentAvroCodec<LabelledExample> exampleCodec = it.codec(LabelledExample.class);
  private final String labelled = it.prefix() + "labelled";
  private final String modelsIn = it.prefix() + "models-in";
  private final String modelsOut = it.prefix() + "models-out";
  private final Random random = new Random(11);
  private final Map<String, float[]> centres = new java.util.HashMap<>();

  @AfterEach
  void disarm() {
    List.of(labelled, modelsIn, FaultySink.write(modelsOut), FaultySink.commit(modelsOut))
        .forEach(Faults::disarm);
  }

  @Test
  void fiveFailuresPublishEveryVersionOnceFromStateThatKeptEveryExample(
      @InjectMiniCluster MiniCluster flink) throws Exception {
    RetrainConfig config =
        RetrainConfig.fromArgs(
            it.jobArgs(
                "--retrain-every",
                Integer.toString(BATCH),
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
    it.send(config.modelsTopic(), CLASSIFIER, modelCodec.encode(config.modelsTopic(), champion()));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    JobEnvironment.configure(env, config.common(), config.describe());
    RetrainJob.defineWorkflow(
        env,
        FaultySource.wrap(RetrainSources.labelled(config), labelled),
        RetrainSources.requests(config),
        FaultySource.wrap(RetrainSources.models(config), modelsIn),
        FaultySink.wrap(RetrainSinks.models(config), modelsOut),
        RetrainSinks.alerts(config),
        config,
        new SignedRetraining(config.publishMargin(), config.signingKey()));
    JobClient job = env.executeAsync("retrain-recovery-it");
    try {
      ItStack.awaitRunning(job);
      // 1. The labelled-examples source fails while it reads the first batch.
      failDuring(job, config, 0, labelled, 400);
      // 2. The sink's writer fails on version 2, right after its training: restored to before it,
      //    the job trains again and writes version 2 again, in a new transaction.
      failDuring(job, config, 1, FaultySink.write(modelsOut), 0);
      // 3. The commit of version 3's transaction fails after its checkpoint completed.
      failDuring(job, config, 2, FaultySink.commit(modelsOut), 0);
      // 4. The source reading published versions back fails on the next one it reads.
      failDuring(job, config, 3, modelsIn, 0);
      // 5. The TaskManager is terminated mid-batch and a new one started.
      long restarts = Recovery.restarts(it, job);
      send(config, 4);
      it.awaitCounter(job, RetrainTrigger.LABELS, BATCH / 2);
      Recovery.replaceTaskManager(flink, 0);
      Recovery.awaitRestarted(it, job, restarts + 1);
      awaitVersion(config, job, BATCHES);
      it.awaitMoreCheckpoints(job, 2); // a late duplicate would be committed by then

      List<ModelVersion> versions =
          it.readCommittedToEnd(config.modelsTopic()).stream()
              .map(r -> modelCodec.decode(r.value()))
              .toList();
      assertThat(versions)
          .extracting(ModelVersion::getVersion)
          .as("every version published exactly once, in order")
          .containsExactly(0, 1, 2, 3, 4, 5);
      for (int v = 1; v <= BATCHES; v++) {
        ModelVersion version = versions.get(v);
        assertThat(version.getParentVersion()).isEqualTo(v - 1);
        assertThat(version.getLabels()).hasSize(2 + v).endsWith("new-" + (v - 1));
        assertThat(version.getMetrics().getTrainingSize()).as("version %d", v).isEqualTo(v * BATCH);
      }
      for (String fault :
          List.of(labelled, modelsIn, FaultySink.write(modelsOut), FaultySink.commit(modelsOut))) {
        assertThat(Faults.fired(fault)).as(fault).isEqualTo(1);
      }
      assertThat(Recovery.restarts(it, job)).isGreaterThanOrEqualTo(5);
      assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get();
    }
  }

  /**
   * Arms {@code fault}, sends batch {@code batch}, and waits for the failure, the restart, and the
   * version it publishes.
   */
  private void failDuring(JobClient job, RetrainConfig config, int batch, String fault, long after)
      throws Exception {
    long restarts = Recovery.restarts(it, job);
    Faults.arm(fault, after);
    send(config, batch);
    Recovery.awaitFired(fault);
    Recovery.awaitRestarted(it, job, restarts + 1);
    awaitVersion(config, job, batch + 1);
  }

  private void awaitVersion(RetrainConfig config, JobClient job, int version) {
    it.readCommitted(
        config.modelsTopic(),
        ModelVersion.class,
        job,
        read -> read.stream().anyMatch(v -> v.getVersion() == version));
  }

  /**
   * Batch {@code batch}: {@value #BATCH} examples, a tenth of them of the new label {@code
   * new-<batch>}, the rest spread over the labels so far; embeddings around each label's centre.
   */
  private void send(RetrainConfig config, int batch) throws Exception {
    List<String> labels = new ArrayList<>(List.of("a", "b"));
    for (int b = 0; b <= batch; b++) {
      labels.add("new-" + b);
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String label = i % 10 == 0 ? "new-" + batch : labels.get((i / 10 + i) % (labels.size() - 1));
      String id = "e" + batch + "-" + i;
      LabelledExample example =
          LabelledExample.newBuilder()
              .setContentId(id)
              .setClassifier(CLASSIFIER)
              .setText("example " + id)
              .setEmbeddingModel(EMBEDDING.id())
              .setEmbedding(near(label))
              .setLabel(label)
              .setLabeler("it")
              .setLabeledAtMs(System.currentTimeMillis())
              .build();
      records.add(
          ItStack.record(
              config.labelledTopic(), id, exampleCodec.encode(config.labelledTopic(), example)));
    }
    it.send(records);
  }

  /** A point near {@code label}'s (random, seeded) centre, unit length. */
  private List<Float> near(String label) {
    float[] centre =
        centres.computeIfAbsent(
            label,
            l -> {
              float[] c = new float[EMBEDDING.dimension()];
              for (int d = 0; d < c.length; d++) {
                c[d] = (float) random.nextGaussian();
              }
              return c;
            });
    double[] v = new double[centre.length];
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = centre[d] + 0.8 * random.nextGaussian();
      norm += v[d] * v[d];
    }
    List<Float> out = new ArrayList<>(v.length);
    for (double x : v) {
      out.add((float) (x / Math.sqrt(norm)));
    }
    return out;
  }

  /** Version 0: labels a and b, a head that knows nothing, signed. */
  private static ModelVersion champion() {
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier(CLASSIFIER)
            .setVersion(0)
            .setLabels(List.of("a", "b"))
            .setHead(
                ByteBuffer.wrap(
                    OnnxHeads.linearSoftmax(new float[2][EMBEDDING.dimension()], new float[2])))
            .setEmbeddingModelId(EMBEDDING.id())
            .setEmbeddingModelDigest(EMBEDDING.digest())
            .setReason("zero-shot")
            .setCreatedAtMs(System.currentTimeMillis())
            .setDigest("")
            .setSignature(null),
        KEY);
  }
}
