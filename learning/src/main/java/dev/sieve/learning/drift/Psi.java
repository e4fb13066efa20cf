package dev.sieve.learning.drift;

/**
 * Population stability index, {@code sum((w - r) * ln(w / r))} over bins, between a reference
 * histogram and a window histogram. It detects a change in the shape of a distribution: of the
 * model's top-class confidence (fixed, equal-width bins on [0, 1], so reference and window always
 * share edges) or of the predicted-class mix ({@link #categorical}, one bin per class). Empty bins
 * are smoothed by adding {@code epsilon} to every bin proportion (then renormalising) so that a bin
 * empty on one side gives a large but finite term. Defaults: {@value #DEFAULT_BINS} bins, the usual
 * credit-scoring choice that keeps about 50+ events per bin in a 500-event window; epsilon {@value
 * #DEFAULT_EPSILON}, small enough not to hide a real shift; threshold {@value #DEFAULT_THRESHOLD},
 * the conventional "significant shift" level (0.1 to 0.25 is "moderate"), to be confirmed by
 * measurement on the shared datasets.
 */
public final class Psi {

  public static final int DEFAULT_BINS = 10;
  public static final double DEFAULT_EPSILON = 1e-4;
  public static final double DEFAULT_THRESHOLD = 0.25;

  private Psi() {}

  /** Index of the equal-width bin on [0, 1] holding {@code value}; 1.0 falls in the last bin. */
  public static int bin(double value, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    if (!Double.isFinite(value) || value < 0 || value > 1) {
      throw new IllegalArgumentException("value must be finite and in [0, 1], got " + value);
    }
    return Math.min(bins - 1, (int) (value * bins));
  }

  /** Counts of {@code values} (each in [0, 1]) in {@code bins} equal-width bins. */
  public static long[] histogram(double[] values, int bins) {
    long[] counts = new long[bins];
    for (double v : values) {
      counts[bin(v, bins)]++;
    }
    return counts;
  }

  /** PSI between two confidence samples with the default bins and epsilon. */
  public static double ofConfidences(double[] reference, double[] window) {
    return between(
        histogram(reference, DEFAULT_BINS), histogram(window, DEFAULT_BINS), DEFAULT_EPSILON);
  }

  /** PSI between two predicted-class count vectors (index = class), default epsilon. */
  public static double categorical(long[] referenceClassCounts, long[] windowClassCounts) {
    return between(referenceClassCounts, windowClassCounts, DEFAULT_EPSILON);
  }

  /** PSI between two histograms with the same bins. */
  public static double between(long[] reference, long[] window, double epsilon) {
    if (reference == null || window == null || reference.length == 0) {
      throw new IllegalArgumentException("histograms must be non-empty");
    }
    if (reference.length != window.length) {
      throw new IllegalArgumentException(
          "histograms must have the same bins: " + reference.length + " vs " + window.length);
    }
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    double[] r = proportions(reference, epsilon, "reference");
    double[] w = proportions(window, epsilon, "window");
    double psi = 0;
    for (int i = 0; i < r.length; i++) {
      psi += (w[i] - r[i]) * Math.log(w[i] / r[i]);
    }
    return psi;
  }

  private static double[] proportions(long[] counts, double epsilon, String name) {
    long total = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException(name + " histogram has a negative count");
      }
      total += c;
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + " histogram is empty");
    }
    double norm = 1 + epsilon * counts.length;
    double[] p = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      p[i] = ((double) counts[i] / total + epsilon) / norm;
    }
    return p;
  }
}
