package dev.sieve.activelearning.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.learning.drift.DetectorState;
import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.drift.DriftMonitor;
import dev.sieve.learning.drift.DriftState;
import dev.sieve.learning.selection.Diversity;
import dev.sieve.learning.selection.LabelSelector;
import dev.sieve.learning.selection.RingEmbeddingMemory;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.SelectorState;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.ScoredContent;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The serialized size of the job's keyed state, as Flink's POJO serializer writes it into RocksDB
 * (the README's state-size figures come from here; printed, and bounded by the formula).
 */
class StateSizeTest {

  private static final int DIM = 384;

  /** The mean length of an SMS in the shared dataset, in characters (80.1). */
  private static final String TEXT = "x".repeat(80);

  @Test
  void storedContentIsTheEmbeddingPlusTheTextPlusAFewBytesPerClassifier() throws IOException {
    Random random = new Random(1);
    float[] embedding = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      embedding[i] = (float) random.nextGaussian();
    }
    ScoredContent scored =
        ScoredContent.newBuilder()
            .setContentId("sms-00001")
            .setText(TEXT)
            .setEmbeddingModel("all-minilm-l6-v2-q")
            .setEmbedding(Samples.list(embedding))
            .setClassifiers(
                Map.of(
                    "spam",
                    scores(Map.of("ham", 0.9, "spam", 0.1)),
                    "emotion",
                    scores(Map.of("anger", 0.1, "joy", 0.6, "optimism", 0.1, "sadness", 0.2))))
            .setScoredAtMs(1)
            .build();

    int bytes = size(Types.POJO(StoredContent.class), StoredContent.of(scored));

    System.out.printf(
        "STATE stored_content_bytes=%d (dim %d, text %d chars, 2 classifiers)%n",
        bytes, DIM, TEXT.length());
    assertThat(bytes).isBetween(4 * DIM + TEXT.length(), 4 * DIM + TEXT.length() + 200);
  }

  @Test
  void perClassifierStateWithoutClustersIsAFewKilobytes() throws IOException {
    SelectorState selector = new SelectorState();
    DriftState drift = new DriftState();
    LabelSelector labelSelector =
        new LabelSelector(
            SelectionConfig.defaults()
                .withDiversity(
                    Diversity.NONE,
                    SelectionConfig.DEFAULT_CLUSTERS,
                    SelectionConfig.DEFAULT_DIVERSITY_WEIGHT));
    DriftMonitor monitor = new DriftMonitor(DriftConfig.defaults());
    RingEmbeddingMemory memory = new RingEmbeddingMemory(10);
    Random random = new Random(2);
    String[] classes = {"ham", "spam"};
    for (int i = 0; i < 1_000; i++) {
      float[] e = new float[DIM];
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        e[d] = (d == 0 ? 1 : 0) + (float) (0.05 * random.nextGaussian());
        norm += e[d] * e[d];
      }
      for (int d = 0; d < DIM; d++) {
        e[d] /= (float) Math.sqrt(norm);
      }
      double p = random.nextDouble();
      double[] scores = {p, 1 - p};
      labelSelector.offer(selector, "id-" + i, classes, scores, 1, e, memory, i);
      monitor.observe(drift, 1, classes, scores, e);
    }

    // No labels yet: cold-start coverage keeps the scores of the last window of events.
    int coldBytes = size(Types.POJO(SelectorState.class), selector);
    for (int i = 0; i < labelSelector.config().coldStartLabels(); i++) {
      for (String c : classes) {
        labelSelector.onLabel(selector, c, new float[DIM], memory);
      }
    }
    labelSelector.offer(
        selector, "warm", classes, new double[] {0.5, 0.5}, 1, new float[DIM], memory, 1_000);
    int selectorBytes = size(Types.POJO(SelectorState.class), selector);
    int driftBytes = size(Types.POJO(DriftState.class), drift);

    System.out.printf(
        "STATE selector_bytes=%d (%d during cold start) drift_bytes=%d%n",
        selectorBytes, coldBytes, driftBytes);
    assertThat(selectorBytes).isLessThan(4_096);
    int coverageWindow = 4 * classes.length * SelectionConfig.defaults().window();
    assertThat(coldBytes)
        .isBetween(selectorBytes + coverageWindow, selectorBytes + coverageWindow + 64);
    // Monitoring (reference and window sums of the centroid detector both filled).
    assertThat(drift.centroid.phase).isEqualTo(DetectorState.Phase.MONITORING);
    assertThat(driftBytes).isBetween(2 * 8 * DIM, 2 * 8 * DIM + 1_024);
  }

  @Test
  void theDefaultStreamClustersAddTheirCentroidsToTheSelectorState() throws IOException {
    int k = SelectionConfig.DEFAULT_CLUSTERS;
    SelectorState selector = new SelectorState();
    assertThat(SelectionConfig.defaults().diversity()).isEqualTo(Diversity.BALANCE);
    LabelSelector labelSelector = new LabelSelector(SelectionConfig.defaults());
    RingEmbeddingMemory memory = new RingEmbeddingMemory(10);
    Random random = new Random(3);
    String[] classes = {"ham", "spam"};
    for (int i = 0; i < 1_000; i++) {
      float[] e = new float[DIM];
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        e[d] = (float) random.nextGaussian();
        norm += e[d] * e[d];
      }
      for (int d = 0; d < DIM; d++) {
        e[d] /= (float) Math.sqrt(norm);
      }
      double p = random.nextDouble();
      labelSelector.offer(selector, "id-" + i, classes, new double[] {p, 1 - p}, 1, e, memory, i);
    }

    int bytes = size(Types.POJO(SelectorState.class), selector);

    System.out.printf("STATE selector_with_clusters_bytes=%d (k %d, dim %d)%n", bytes, k, DIM);
    // k centroids of DIM floats, k step counts, two k counts, and the rest as without clusters
    assertThat(bytes).isBetween(4 * k * DIM, 4 * k * DIM + 20 * k + 4_096);
  }

  private static ClassifierScores scores(Map<String, Double> p) {
    String guess = p.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    return Samples.scores(1, guess, p);
  }

  private static <T> int size(TypeInformation<T> type, T value) throws IOException {
    SerializerConfigImpl noKryo = new SerializerConfigImpl();
    noKryo.setGenericTypes(false);
    DataOutputSerializer out = new DataOutputSerializer(4_096);
    type.createSerializer(noKryo).serialize(value, out);
    return out.length();
  }
}
