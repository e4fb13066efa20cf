package dev.sieve.tools.calibrate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How a default threshold is read from the measurements: {@value #MARGIN} times the largest
 * statistic seen on any stationary window of any dataset, rounded up to two significant digits. The
 * largest of thousands of windows is already beyond their 99.9th percentile; the margin covers
 * streams noisier than the three datasets (fewer, more skewed classes). The threshold only stands
 * if it is below the smallest statistic of fully shifted windows; otherwise the detector cannot
 * tell a change of source from noise at that window size.
 */
final class ThresholdRule {

  static final double MARGIN = 1.5;

  private ThresholdRule() {}

  static double recommend(double stationaryMax) {
    if (!(stationaryMax >= 0) || !Double.isFinite(stationaryMax)) {
      throw new IllegalArgumentException("stationary maximum must be finite and >= 0");
    }
    return roundUp(MARGIN * stationaryMax, 2);
  }

  /** {@code value} rounded up to {@code digits} significant digits (0.03412 -> 0.035). */
  static double roundUp(double value, int digits) {
    if (value == 0) {
      return 0;
    }
    // valueOf takes the shortest decimal of the double: 0.035 stays 0.035, where new BigDecimal
    // would see 0.03500000000000000333 and round it up to 0.036.
    return BigDecimal.valueOf(value)
        .round(new MathContext(digits, RoundingMode.CEILING))
        .doubleValue();
  }

  /**
   * Per-window false-alarm rate bound: with {@code alarms} of {@code windows} stationary windows
   * above the threshold, the observed rate, or when none is, the one-sided 95 % upper bound 3/n
   * (the "rule of three").
   */
  static double falseAlarmBound(int alarms, int windows) {
    if (windows < 1) {
      throw new IllegalArgumentException("no windows");
    }
    return alarms > 0 ? (double) alarms / windows : 3.0 / windows;
  }

  /**
   * Worst-case events from an abrupt switch to the alert, for tumbling windows of {@code w} when a
   * window is reliably flagged once {@code share} of it comes from the new source: a window in
   * which the switch leaves at least that share is flagged at its end (at most {@code w} events
   * later), otherwise the next, wholly shifted, window is.
   */
  static int worstDelay(int w, double share) {
    return (int) Math.ceil((1 + share) * w) - 1;
  }

  /** Standard normal quantile at 0.999. */
  static final double Z_999 = 3.090232306167813;

  /**
   * The 0.999 quantile of a chi-square distribution with {@code df} degrees of freedom, by the
   * Wilson-Hilferty cube approximation (about 3 % high for df = 1, closer above). Under no drift
   * the PSI of two multinomial samples of sizes r and w is about chi-square(bins - 1) x (1/r +
   * 1/w), so this predicts where the PSI's noise ends for any class count.
   */
  static double chiSquare999(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("df must be >= 1, got " + df);
    }
    double a = 2.0 / (9.0 * df);
    double c = 1 - a + Z_999 * Math.sqrt(a);
    return df * c * c * c;
  }
}
