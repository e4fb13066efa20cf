package dev.sieve.learning.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PsiTest {

  private static final int N = 5_000;

  @Test
  void sameConfidenceDistributionGivesPsiNearZero() {
    Random random = new Random(11);
    double[] reference = confidences(random, N, 8, 2);
    double[] window = confidences(random, N, 8, 2);

    assertThat(Psi.ofConfidences(reference, window)).isBetween(0.0, 0.02);
  }

  @Test
  void shiftedConfidenceDistributionGivesPsiAboveThreshold() {
    Random random = new Random(12);
    double[] confident = confidences(random, N, 8, 2); // mean 0.8
    double[] unsure = confidences(random, N, 3, 3); // mean 0.5

    assertThat(Psi.ofConfidences(confident, unsure)).isGreaterThan(Psi.DEFAULT_THRESHOLD);
  }

  @Test
  void categoricalPsiSeesAChangeInTheClassMix() {
    Random random = new Random(13);
    double[] mix = {0.5, 0.3, 0.2};
    double[] shiftedMix = {0.2, 0.3, 0.5};

    long[] reference = classCounts(random, N, mix);
    long[] same = classCounts(random, N, mix);
    long[] shifted = classCounts(random, N, shiftedMix);

    assertThat(Psi.categorical(reference, same)).isBetween(0.0, 0.01);
    assertThat(Psi.categorical(reference, shifted)).isGreaterThan(Psi.DEFAULT_THRESHOLD);
  }

  @Test
  void emptyBinIsSmoothedNotInfinite() {
    double psi = Psi.between(new long[] {100, 0}, new long[] {50, 50}, Psi.DEFAULT_EPSILON);

    assertThat(psi).isFinite().isGreaterThan(1.0);
  }

  @Test
  void binsCoverTheClosedUnitInterval() {
    assertThat(Psi.bin(0.0, 10)).isZero();
    assertThat(Psi.bin(0.95, 10)).isEqualTo(9);
    assertThat(Psi.bin(1.0, 10)).isEqualTo(9);
    assertThatThrownBy(() -> Psi.bin(1.01, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Psi.between(new long[2], new long[3], 1e-4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Psi.between(new long[2], new long[] {1, 1}, 1e-4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  /** Beta(a, b) samples as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  private static double[] confidences(Random random, int n, int a, int b) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double x = gamma(random, a);
      double y = gamma(random, b);
      out[i] = x / (x + y);
    }
    return out;
  }

  /** Gamma(k, 1) for integer k as a sum of k exponentials. */
  private static double gamma(Random random, int k) {
    double sum = 0;
    for (int i = 0; i < k; i++) {
      sum -= Math.log(1 - random.nextDouble());
    }
    return sum;
  }

  private static long[] classCounts(Random random, int n, double[] mix) {
    long[] counts = new long[mix.length];
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble();
      int c = 0;
      while (c < mix.length - 1 && u >= mix[c]) {
        u -= mix[c];
        c++;
      }
      counts[c]++;
    }
    return counts;
  }
}
