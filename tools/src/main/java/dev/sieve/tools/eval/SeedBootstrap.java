package dev.sieve.tools.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How far {@code vs_random} can be trusted with the seeds there are: a bootstrap over seeds (Efron
 * and Tibshirani, <i>An Introduction to the Bootstrap</i>, 1993). Each draw resamples each
 * strategy's curves with replacement, reads {@code labels_to_95pct} on the resampled median curve
 * as {@link CurveSummary} does, and divides; the 5th and 95th percentiles of the draws bound the
 * ratio. When the median curves are flat near the target, the first label count to touch it moves a
 * lot from one draw to the next, and the interval says so where the ratio alone cannot.
 *
 * <p>The same resampling bounds the difference of {@code mean_macro_f1} (the area under the median
 * curve per label count), which does not hinge on one label count and so separates strategies with
 * fewer seeds.
 *
 * <p>A strategy whose resampled median never reaches the target counts as needing infinitely many
 * labels (ratio 0 when only the reference never does; the draw is left out when neither does). The
 * draws are seeded, so the same curves print the same interval.
 */
final class SeedBootstrap {

  static final int DRAWS = 1_000;
  private static final long SEED = 42;

  private SeedBootstrap() {}

  /**
   * The 5th-95th percentile range of {@code mine}'s labels to {@code target} over {@code
   * reference}'s, as "lo-hi" ("inf" for a strategy that never reaches it in that share of draws),
   * or "-" when no draw had either strategy reach it.
   */
  static String ratioInterval(
      List<LearningCurve> mine, List<LearningCurve> reference, double target) {
    double[] ratios = ratios(mine, reference, target);
    if (ratios.length == 0) {
      return "-";
    }
    return text(percentile(ratios, 0.05)) + "-" + text(percentile(ratios, 0.95));
  }

  /** The ratio of each draw in which at least one of the two reaches the target, sorted. */
  static double[] ratios(List<LearningCurve> mine, List<LearningCurve> reference, double target) {
    Random random = new Random(SEED);
    List<Double> ratios = new ArrayList<>(DRAWS);
    for (int d = 0; d < DRAWS; d++) {
      double a = labelsToTarget(resample(mine, random), target);
      double b = labelsToTarget(resample(reference, random), target);
      if (!Double.isInfinite(a) || !Double.isInfinite(b)) {
        ratios.add(a / b);
      }
    }
    double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  /**
   * The 5th-95th percentile range of {@code mine}'s mean macro-F1 over the median curve minus
   * {@code reference}'s, as "lo..hi" with signs.
   */
  static String meanDifferenceInterval(List<LearningCurve> mine, List<LearningCurve> reference) {
    Random random = new Random(SEED);
    double[] differences = new double[DRAWS];
    for (int d = 0; d < DRAWS; d++) {
      differences[d] =
          meanMacroF1(resample(mine, random)) - meanMacroF1(resample(reference, random));
    }
    Arrays.sort(differences);
    return String.format(
        Locale.ROOT, "%+.4f..%+.4f", percentile(differences, 0.05), percentile(differences, 0.95));
  }

  /** The nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    return sorted[(int) Math.floor(p * (sorted.length - 1))];
  }

  private static List<LearningCurve> resample(List<LearningCurve> curves, Random random) {
    List<LearningCurve> drawn = new ArrayList<>(curves.size());
    for (int i = 0; i < curves.size(); i++) {
      drawn.add(curves.get(random.nextInt(curves.size())));
    }
    return drawn;
  }

  private static double labelsToTarget(List<LearningCurve> curves, double target) {
    var reached = CurveSummary.of("draw", curves, target).labelsToTarget();
    return reached.isPresent() ? reached.getAsInt() : Double.POSITIVE_INFINITY;
  }

  private static double meanMacroF1(List<LearningCurve> curves) {
    return CurveSummary.of("draw", curves, Double.POSITIVE_INFINITY).meanMacroF1();
  }

  private static String text(double ratio) {
    return Double.isInfinite(ratio) ? "inf" : String.format(Locale.ROOT, "%.2f", ratio);
  }
}
