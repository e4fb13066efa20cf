package dev.sieve.learning.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PageHinkleyTest {

  private static final long[] SEEDS = {1, 2, 3, 42, 2026};
  private static final int PRE_CHANGE = 1_000;
  private static final int MAX_DELAY = 200;

  @Test
  void detectsErrorRateJumpFromTenToFortyPercentWithin200Samples() {
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      PageHinkley detector = new PageHinkley();

      for (int i = 0; i < PRE_CHANGE; i++) {
        assertThat(detector.add(bernoulli(random, 0.1))).as("false alarm, seed %d", seed).isFalse();
      }
      int delay = 0;
      boolean alarm = false;
      while (!alarm && delay < 10 * MAX_DELAY) {
        alarm = detector.add(bernoulli(random, 0.4));
        delay++;
      }

      assertThat(alarm).as("seed %d", seed).isTrue();
      assertThat(delay).as("detection delay, seed %d", seed).isLessThanOrEqualTo(MAX_DELAY);
    }
  }

  @Test
  void noAlarmOnStationaryStreams() {
    for (double errorRate : new double[] {0.05, 0.1, 0.2, 0.3}) {
      for (long seed : SEEDS) {
        Random random = new Random(seed);
        PageHinkley detector = new PageHinkley();
        for (int i = 0; i < 10_000; i++) {
          assertThat(detector.add(bernoulli(random, errorRate)))
              .as("alarm at %d, rate %.2f, seed %d", i, errorRate, seed)
              .isFalse();
        }
      }
    }
  }

  @Test
  void resetForgetsTheChange() {
    Random random = new Random(7);
    PageHinkley detector = new PageHinkley();
    for (int i = 0; i < 500; i++) {
      detector.add(bernoulli(random, 0.1));
    }
    boolean alarm = false;
    for (int i = 0; i < 500 && !alarm; i++) {
      alarm = detector.add(bernoulli(random, 0.6));
    }
    assertThat(alarm).isTrue();

    detector.reset();

    assertThat(detector.count()).isZero();
    assertThat(detector.statistic()).isZero();
    for (int i = 0; i < 5_000; i++) {
      assertThat(detector.add(bernoulli(random, 0.6))).isFalse();
    }
  }

  private static double bernoulli(Random random, double p) {
    return random.nextDouble() < p ? 1 : 0;
  }
}
