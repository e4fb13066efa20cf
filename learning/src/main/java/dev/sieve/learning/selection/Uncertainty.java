package dev.sieve.learning.selection;

/**
 * Uncertainty of a classifier's probability vector, each measure scaled to [0, 1] where 0 means
 * certain (one-hot) and 1 means as uncertain as the measure allows (uniform for entropy and least
 * confidence over k classes is 1 - 1/k; margin reaches 1 whenever the top two are tied). Plain
 * maths, no Flink: the selection operator ranks candidates by these scores.
 */
public final class Uncertainty {

  /** Tolerance on the sum of the probabilities (float softmax outputs rarely sum to exactly 1). */
  public static final double SUM_TOLERANCE = 1e-3;

  private Uncertainty() {}

  /** 1 - max(p). */
  public static double leastConfidence(double[] p) {
    validate(p);
    double max = 0;
    for (double v : p) {
      max = Math.max(max, v);
    }
    return clamp(1 - max);
  }

  /** 1 - (p1 - p2) where p1 and p2 are the two largest probabilities; higher = more uncertain. */
  public static double margin(double[] p) {
    validate(p);
    if (p.length == 1) {
      return 0;
    }
    double first = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (double v : p) {
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) {
        second = v;
      }
    }
    return clamp(1 - (first - second));
  }

  /** Shannon entropy divided by log(k), so uniform = 1 and one-hot = 0. */
  public static double entropy(double[] p) {
    validate(p);
    if (p.length == 1) {
      return 0;
    }
    double h = 0;
    for (double v : p) {
      if (v > 0) {
        h -= v * Math.log(v);
      }
    }
    return clamp(h / Math.log(p.length));
  }

  static void validate(double[] p) {
    if (p == null || p.length == 0) {
      throw new IllegalArgumentException("probabilities must be a non-empty array");
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double v = p[i];
      if (!Double.isFinite(v) || v < 0 || v > 1) {
        throw new IllegalArgumentException(
            "probability at index " + i + " must be finite and in [0, 1], got " + v);
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException(
          "probabilities must sum to 1 (within " + SUM_TOLERANCE + "), got " + sum);
    }
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(1, x));
  }
}
