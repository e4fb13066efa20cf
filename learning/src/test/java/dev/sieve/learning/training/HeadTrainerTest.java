package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.model.HeadRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadTrainerTest {

  private static final List<String> LABELS = List.of("anger", "joy", "sadness");
  private static final LabelledSet SET =
      SyntheticSets.clusters(LABELS, new int[] {200, 150, 60}, 24, 0.35, 11, 12, "t");

  @Test
  void sameSetTrainedTwiceGivesByteIdenticalHead() {
    HeadTrainer.TrainedHead first = HeadTrainer.train(SET, HeadTrainer.DEFAULT);
    HeadTrainer.TrainedHead second = HeadTrainer.train(SET, HeadTrainer.DEFAULT);

    assertThat(second.head().weights()).isDeepEqualTo(first.head().weights());
    assertThat(second.head().bias()).containsExactly(first.head().bias());
    assertThat(second.onnx()).isEqualTo(first.onnx());
  }

  @Test
  void arrivalOrderOfLabelsDoesNotChangeTheHead() {
    LabelledSet.Builder reversed = LabelledSet.builder().labelOrder(LABELS);
    float[][] rows = SET.embeddings();
    String[] labels = SET.labels();
    for (int i = SET.size() - 1; i >= 0; i--) {
      reversed.add(SET.contentId(i), labels[i], rows[i]);
    }

    byte[] a = HeadTrainer.train(SET, HeadTrainer.DEFAULT).onnx();
    byte[] b = HeadTrainer.train(reversed.build(), HeadTrainer.DEFAULT).onnx();

    assertThat(b).isEqualTo(a);
  }

  @Test
  void onnxHeadComputesTheSameProbabilitiesAsTheJavaHeadInLabelOrder() throws Exception {
    HeadTrainer.TrainedHead trained = HeadTrainer.train(SET, HeadTrainer.DEFAULT);
    float[][] x = SET.embeddings();

    float[][] java = trained.head().probabilities(x);
    float[][] onnx;
    try (HeadRunner runner = new HeadRunner(trained.onnx())) {
      onnx = runner.predict(x);
    }

    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < LABELS.size(); c++) {
        assertThat(onnx[i][c]).isCloseTo(java[i][c], within(1e-4f));
      }
    }
    Metrics training = Metrics.of(LABELS, SET.labelIndices(), trained.head().predict(x));
    assertThat(training.accuracy()).isGreaterThan(0.9);
  }

  @Test
  void classWeightingRaisesRecallOfARareClass() {
    List<String> labels = List.of("ok", "rare");
    LabelledSet train = SyntheticSets.clusters(labels, new int[] {1900, 100}, 8, 0.45, 5, 6, "tr");
    LabelledSet test = SyntheticSets.clusters(labels, new int[] {500, 500}, 8, 0.45, 5, 7, "te");

    double unweighted =
        rareRecall(HeadTrainer.fit(train, HeadTrainer.DEFAULT.withClassWeighting(false)), test);
    double weighted = rareRecall(HeadTrainer.fit(train, HeadTrainer.DEFAULT), test);

    assertThat(weighted).isGreaterThan(unweighted + 0.1);
  }

  @Test
  void classWeightsAreNOverKTimesClassCount() {
    float[] w = HeadTrainer.classWeights(SET, true);

    assertThat(w[0]).isCloseTo(410f / (3 * 200), within(1e-6f));
    assertThat(w[2]).isCloseTo(410f / (3 * 60), within(1e-6f));
  }

  @Test
  void featureNamesAreZeroPaddedSoNameOrderIsColumnOrder() {
    String[] names = HeadTrainer.featureNames(384);

    assertThat(names[0]).isEqualTo("f000");
    assertThat(names[383]).isEqualTo("f383");
    assertThat(names).isSorted();
  }

  private static double rareRecall(Head head, LabelledSet test) {
    return Metrics.of(test.labelOrder(), test.labelIndices(), head.predict(test.embeddings()))
        .recall(1);
  }
}
