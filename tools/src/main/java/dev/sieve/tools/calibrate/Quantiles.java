package dev.sieve.tools.calibrate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Locale;

/**
 * The summary of a sample that a threshold is read from: median, upper quantiles and extremes.
 * Quantiles interpolate linearly between order statistics (Hyndman and Fan type 7, what R, NumPy
 * and spreadsheets compute by default), so the figures can be checked with any of them.
 * Hand-written rather than taken from commons-math, which the CLI only has transitively.
 */
public record Quantiles(
    int count, double min, double median, double p95, double p99, double p999, double max) {

  public static Quantiles of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to summarise");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Quantiles(
        sorted.length,
        sorted[0],
        quantile(sorted, 0.5),
        quantile(sorted, 0.95),
        quantile(sorted, 0.99),
        quantile(sorted, 0.999),
        sorted[sorted.length - 1]);
  }

  /** The {@code p}-quantile of an ascending array (type 7). */
  public static double quantile(double[] sorted, double p) {
    if (sorted.length == 0 || !(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("need values and p in [0, 1], got p=" + p);
    }
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** How many of {@code values} are strictly above {@code threshold}. */
  public static int countAbove(double[] values, double threshold) {
    int n = 0;
    for (double v : values) {
      if (v > threshold) {
        n++;
      }
    }
    return n;
  }

  /** Four significant digits without trailing zeros (0.03, 0.09536, 2.820e-05, 1500). */
  public static String fmt(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return v == 0 ? "0" : String.valueOf(v);
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (Math.abs(v) < 1e-4) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
