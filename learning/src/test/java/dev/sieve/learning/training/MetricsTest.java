package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.schemas.ModelMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static final List<String> AB = List.of("a", "b");
  private static final List<String> ABC = List.of("a", "b", "c");

  @Test
  void binaryExampleMatchesHandComputation() {
    // truth a a a b b, predicted a a b b a: confusion [[2,1],[1,1]]
    Metrics m = Metrics.of(AB, new int[] {0, 0, 0, 1, 1}, new int[] {0, 0, 1, 1, 0});

    assertThat(m.confusion()).isEqualTo(new int[][] {{2, 1}, {1, 1}});
    assertThat(m.accuracy()).isCloseTo(0.6, within(1e-12));
    assertThat(m.precision(0)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.recall(0)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.f1(0)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.precision(1)).isCloseTo(0.5, within(1e-12));
    assertThat(m.f1(1)).isCloseTo(0.5, within(1e-12));
    assertThat(m.support(0)).isEqualTo(3);
    assertThat(m.support(1)).isEqualTo(2);
    assertThat(m.macroF1()).isCloseTo((2.0 / 3 + 0.5) / 2, within(1e-12));
  }

  @Test
  void classNeverPredictedHasZeroPrecisionAndCountsInMacroF1() {
    // truth a b c c, predicted a b b b: c is never predicted
    Metrics m = Metrics.of(ABC, new int[] {0, 1, 2, 2}, new int[] {0, 1, 1, 1});

    assertThat(m.accuracy()).isCloseTo(0.5, within(1e-12));
    assertThat(m.f1(0)).isCloseTo(1.0, within(1e-12));
    assertThat(m.precision(1)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(m.recall(1)).isCloseTo(1.0, within(1e-12));
    assertThat(m.f1(1)).isCloseTo(0.5, within(1e-12));
    assertThat(m.precision(2)).isZero();
    assertThat(m.recall(2)).isZero();
    assertThat(m.macroF1()).isCloseTo((1.0 + 0.5 + 0.0) / 3, within(1e-12));
  }

  @Test
  void declaredLabelAbsentFromTruthAndPredictionsDoesNotLowerMacroF1() {
    Metrics m = Metrics.of(ABC, new int[] {0, 1, 1}, new int[] {0, 1, 1});

    assertThat(m.macroF1()).isCloseTo(1.0, within(1e-12));
    assertThat(m.support(2)).isZero();
  }

  @Test
  void pooledFoldsAddConfusionMatrices() {
    Metrics fold1 = Metrics.of(AB, new int[] {0, 1}, new int[] {0, 0});
    Metrics fold2 = Metrics.of(AB, new int[] {0, 1, 1}, new int[] {1, 1, 1});

    Metrics pooled = Metrics.pooled(List.of(fold1, fold2));

    assertThat(pooled.confusion()).isEqualTo(new int[][] {{1, 1}, {1, 2}});
    assertThat(pooled.total()).isEqualTo(5);
    assertThat(pooled.accuracy()).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void convertsToTheModelVersionRecord() {
    Metrics m = Metrics.of(AB, new int[] {0, 0, 0, 1, 1}, new int[] {0, 0, 1, 1, 0});

    ModelMetrics record = m.toModelMetrics(5, 5);

    assertThat(record.getAccuracy()).isEqualTo(m.accuracy());
    assertThat(record.getMacroF1()).isEqualTo(m.macroF1());
    assertThat(record.getPerClass()).extracting(c -> c.getLabel()).containsExactly("a", "b");
    assertThat(record.getPerClass().get(1).getSupport()).isEqualTo(2);
    assertThat(record.getConfusion()).containsExactly(List.of(2, 1), List.of(1, 1));
    assertThat(record.getTrainingSize()).isEqualTo(5);
    assertThat(record.getFolds()).isEqualTo(5);
  }
}
