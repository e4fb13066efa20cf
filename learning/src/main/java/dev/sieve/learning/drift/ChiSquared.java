package dev.sieve.learning.drift;

/**
 * The one χ² quantile the class-mix threshold needs. Hand-written rather than taken from Commons
 * Math: it is one closed-form line (Wilson and Hilferty, 1931), within 3.1 % of the exact quantile
 * for every degree of freedom (1.7 % at 3, 0.3 % at 19; {@code ChiSquaredTest}), and Commons Math
 * would reach the job only as Flink's own provided copy or as 2 MB more in the job jar.
 */
final class ChiSquared {

  /** The standard normal quantile at 0.999. */
  private static final double Z_999 = 3.090232306167813;

  private ChiSquared() {}

  /** The 99.9th percentile of the χ² distribution with {@code df} degrees of freedom. */
  static double quantile999(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
    }
    double a = 2.0 / (9.0 * df);
    double cube = 1 - a + Z_999 * Math.sqrt(a);
    return df * cube * cube * cube;
  }
}
