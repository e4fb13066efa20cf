package dev.sieve.tools.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftTrialsTest {

  private static final int CENTROID = Detector.CENTROID_COSINE.ordinal();
  private static final int CLASS_MIX = Detector.CLASS_MIX_PSI.ordinal();

  @Test
  void stationaryStreamsFillAsManyWholeWindowsAsTheEventsAllow() {
    Events a = source(1_050, 0, 0.3, new Random(1));

    DriftTrials.Stationary s = new DriftTrials(500, 200).stationary(a, 3, new Random(2));

    // (1,050 - 500) / 200 = 2 windows per stream, 3 streams
    assertThat(s.windows()[CENTROID]).hasSize(6);
    assertThat(s.streamMax()[CENTROID]).hasSize(3);
  }

  @Test
  void theShiftedShareOfAWindowMovesTheStatisticsInProportion() {
    Events a = source(2_000, 0, 0.1, new Random(3));
    Events b = source(2_000, 1, 0.9, new Random(4));
    DriftTrials trials = new DriftTrials(500, 500);

    double stationary =
        Quantiles.of(trials.stationary(a, 5, new Random(5)).windows()[CENTROID]).max();
    double half = Quantiles.of(trials.shifted(a, b, 0.5, 5, new Random(6))[CENTROID]).min();
    double whole = Quantiles.of(trials.shifted(a, b, 1.0, 5, new Random(7))[CENTROID]).min();

    assertThat(stationary).isLessThan(half);
    assertThat(half).isLessThan(whole);
    assertThat(Quantiles.of(trials.shifted(a, b, 1.0, 5, new Random(8))[CLASS_MIX]).min())
        .isGreaterThan(1.0);
  }

  @Test
  void anAbruptSwitchIsFoundWithinTwoWindowsAndNotBefore() {
    Events a = source(3_000, 0, 0.1, new Random(9));
    Events b = source(3_000, 1, 0.9, new Random(10));
    double[] thresholds = {0.5, 0.5, 0.1};
    int[] falseAlarms = new int[1];

    int[][] delay =
        new DriftTrials(500, 500)
            .abruptSwitch(a, b, thresholds, 4, 10, new Random(11), falseAlarms);

    int[] any = delay[delay.length - 1];
    assertThat(Arrays.stream(any).boxed()).allSatisfy(d -> assertThat(d).isBetween(1, 999));
    assertThat(falseAlarms[0]).isZero();
  }

  /**
   * Events around one axis of a 4-dimensional space, with noise; {@code spamShare} of them
   * predicted as class 1 with high confidence.
   */
  private static Events source(int n, int axis, double spamShare, Random random) {
    float[][] embeddings = new float[n][4];
    float[][] scores = new float[n][2];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int j = 0; j < 4; j++) {
        embeddings[i][j] = (float) ((j == axis ? 1 : 0) + 0.3 * random.nextGaussian());
        norm += embeddings[i][j] * embeddings[i][j];
      }
      for (int j = 0; j < 4; j++) {
        embeddings[i][j] /= (float) Math.sqrt(norm);
      }
      float p = (float) (0.6 + 0.4 * random.nextDouble());
      boolean one = random.nextDouble() < spamShare;
      scores[i][one ? 1 : 0] = p;
      scores[i][one ? 0 : 1] = 1 - p;
    }
    return Events.of(scores, embeddings, 2);
  }
}
