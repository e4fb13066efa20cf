package dev.sieve.learning.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UncertaintyTest {

  private static final double[] UNIFORM_4 = {0.25, 0.25, 0.25, 0.25};
  private static final double[] ONE_HOT = {0, 1, 0, 0};

  @Test
  void uniformIsMaximallyUncertainForMarginAndEntropy() {
    assertThat(Uncertainty.entropy(UNIFORM_4)).isCloseTo(1.0, within(1e-12));
    assertThat(Uncertainty.margin(UNIFORM_4)).isCloseTo(1.0, within(1e-12));
    assertThat(Uncertainty.leastConfidence(UNIFORM_4)).isCloseTo(0.75, within(1e-12));
    assertThat(Uncertainty.leastConfidence(new double[] {0.5, 0.5})).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void oneHotIsCertainForEveryMeasure() {
    for (UncertaintyMeasure measure : UncertaintyMeasure.values()) {
      assertThat(measure.score(ONE_HOT)).as(measure.name()).isCloseTo(0.0, within(1e-12));
    }
  }

  @Test
  void marginSeesATieThatLeastConfidenceRanksAsConfident() {
    double[] tiedTopTwo = {0.45, 0.45, 0.10};
    double[] spreadOut = {0.40, 0.20, 0.20, 0.20};

    // least confidence prefers spreadOut (lower max), margin prefers the tie at the top
    assertThat(Uncertainty.leastConfidence(spreadOut))
        .isGreaterThan(Uncertainty.leastConfidence(tiedTopTwo));
    assertThat(Uncertainty.margin(tiedTopTwo)).isCloseTo(1.0, within(1e-12));
    assertThat(Uncertainty.margin(tiedTopTwo)).isGreaterThan(Uncertainty.margin(spreadOut));
  }

  @Test
  void handExampleValues() {
    double[] p = {0.7, 0.2, 0.1};
    assertThat(Uncertainty.leastConfidence(p)).isCloseTo(0.3, within(1e-12));
    assertThat(Uncertainty.margin(p)).isCloseTo(0.5, within(1e-12));
    double h = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1)) / Math.log(3);
    assertThat(Uncertainty.entropy(p)).isCloseTo(h, within(1e-12));
    assertThat(UncertaintyMeasure.ENTROPY.score(p)).isEqualTo(Uncertainty.entropy(p));
  }

  @Test
  void rejectsInvalidInput() {
    assertThatThrownBy(() -> Uncertainty.entropy(new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-empty");
    assertThatThrownBy(() -> Uncertainty.margin(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Uncertainty.leastConfidence(new double[] {0.5, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Uncertainty.entropy(new double[] {0.5, 0.3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sum to 1");
    assertThatThrownBy(() -> Uncertainty.entropy(new double[] {1.5, -0.5}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
