package dev.sieve.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedBootstrapTest {

  /** A curve that first reaches macro-F1 0.9 at {@code reachedAt} labels (step 20, up to 100). */
  private static LearningCurve reaching(long seed, int reachedAt) {
    List<LearningCurve.Point> points = new ArrayList<>();
    for (int labels = 0; labels <= 100; labels += 20) {
      points.add(new LearningCurve.Point(labels, labels >= reachedAt ? 0.92 : 0.6));
    }
    return new LearningCurve("s", seed, points);
  }

  private static List<LearningCurve> reaching(int... labels) {
    List<LearningCurve> curves = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      curves.add(reaching(i + 1, labels[i]));
    }
    return curves;
  }

  @Test
  void seedsThatAgreeGiveANarrowInterval() {
    var active = reaching(20, 20, 20, 20, 20, 20, 20, 20, 20, 20);
    var random = reaching(80, 80, 80, 80, 80, 80, 80, 80, 80, 80);

    assertThat(SeedBootstrap.ratioInterval(active, random, 0.9)).isEqualTo("0.25-0.25");
  }

  @Test
  void seedsThatDisagreeGiveAnIntervalAcrossOne() {
    // Half of each strategy's seeds reach the target early, half late: each median curve touches
    // it at the late count (80 and 100: ratio 0.8), but a resample with one early seed more
    // touches it at the early one, so draws give 0.2, 0.5, 0.8 or 2.
    var active = reaching(20, 20, 20, 20, 20, 80, 80, 80, 80, 80);
    var random = reaching(40, 40, 40, 40, 40, 100, 100, 100, 100, 100);

    String interval = SeedBootstrap.ratioInterval(active, random, 0.9);

    String[] bounds = interval.split("-");
    assertThat(Double.parseDouble(bounds[0])).isLessThan(0.5);
    assertThat(Double.parseDouble(bounds[1])).isGreaterThan(1.5);
    assertThat(SeedBootstrap.ratioInterval(active, random, 0.9))
        .as("seeded: the same curves print the same interval")
        .isEqualTo(interval);
  }

  @Test
  void aStrategyThatNeverReachesTheTargetIsUnbounded() {
    var never = reaching(200, 200, 200);
    var random = reaching(60, 60, 60);

    assertThat(SeedBootstrap.ratioInterval(never, random, 0.9)).isEqualTo("inf-inf");
    assertThat(SeedBootstrap.ratioInterval(random, never, 0.9)).isEqualTo("0.00-0.00");
    assertThat(SeedBootstrap.ratioInterval(never, never, 0.9)).isEqualTo("-");
  }

  @Test
  void theMeanOverTheCurveSeparatesWhatTheFirstTouchCannot() {
    // Every active seed is 0.02 above every random seed at every label count after 0, but the
    // target lies on the plateau both reach at 40 labels: the ratio cannot tell them apart, the
    // difference of the areas under the curves can.
    List<LearningCurve> active = new ArrayList<>();
    List<LearningCurve> random = new ArrayList<>();
    for (int seed = 1; seed <= 10; seed++) {
      double noise = 0.001 * seed;
      active.add(plateau(seed, 0.62 + noise, 0.93 + noise));
      random.add(plateau(seed, 0.60 + noise, 0.91 + noise));
    }

    assertThat(SeedBootstrap.ratioInterval(active, random, 0.9)).isEqualTo("1.00-1.00");
    String[] bounds = SeedBootstrap.meanDifferenceInterval(active, random).split("\\.\\.");
    assertThat(Double.parseDouble(bounds[0])).isPositive();
    assertThat(Double.parseDouble(bounds[1])).isLessThan(0.03);
    assertThat(SeedBootstrap.meanDifferenceInterval(random, active)).startsWith("-");
  }

  /** 0.5 at 0 labels, {@code early} at 20, then {@code late} from 40 to 100. */
  private static LearningCurve plateau(long seed, double early, double late) {
    List<LearningCurve.Point> points = new ArrayList<>();
    points.add(new LearningCurve.Point(0, 0.5));
    points.add(new LearningCurve.Point(20, early));
    for (int labels = 40; labels <= 100; labels += 20) {
      points.add(new LearningCurve.Point(labels, late));
    }
    return new LearningCurve("s", seed, points);
  }

  @Test
  void percentileIsTheNearestRank() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

    assertThat(SeedBootstrap.percentile(sorted, 0.05)).isEqualTo(1);
    assertThat(SeedBootstrap.percentile(sorted, 0.5)).isEqualTo(6);
    assertThat(SeedBootstrap.percentile(sorted, 0.95)).isEqualTo(10);
  }
}
