package dev.sieve.learning.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChiSquaredTest {

  @Test
  void the999thPercentileIsWithinThreePercentOfTheTables() {
    // Exact 99.9th percentiles of chi-squared (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
    int[] df = {1, 2, 3, 9, 19, 99};
    double[] exact = {10.828, 13.816, 16.266, 27.877, 43.820, 148.230};
    for (int i = 0; i < df.length; i++) {
      double q = ChiSquared.quantile999(df[i]);
      assertThat(Math.abs(q / exact[i] - 1)).as("df %d: %f", df[i], q).isLessThan(0.031);
    }
    assertThat(Math.abs(ChiSquared.quantile999(19) / 43.820 - 1)).isLessThan(0.005);
  }

  @Test
  void degreesOfFreedomMustBePositive() {
    assertThatThrownBy(() -> ChiSquared.quantile999(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 1");
  }
}
