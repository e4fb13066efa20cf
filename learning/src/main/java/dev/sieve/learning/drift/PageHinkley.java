package dev.sieve.learning.drift;

/**
 * Page-Hinkley test for an increase in the mean of a stream, used on the 0/1 error stream of
 * labelled predictions (1 = the model was wrong). It accumulates {@code m_t = sum(x_i - mean_i -
 * delta)} and alarms when {@code m_t - min(m)} exceeds {@code lambda}. Defaults: delta {@value
 * #DEFAULT_DELTA}, half the smallest error-rate increase worth acting on (0.1), the classic CUSUM
 * choice, which also makes the statistic drift downwards on stationary data so false alarms are
 * rare; lambda {@value #DEFAULT_LAMBDA}, which for an error rate jumping by 0.3 (e.g. 0.1 to 0.4)
 * alarms after roughly lambda / (0.3 - delta), about 80 labels, and by 0.1 after about 400; at
 * least {@value #DEFAULT_MIN_INSTANCES} samples before any alarm so the running mean has settled.
 * After an alarm the detector keeps its state until {@link #reset()}.
 */
public final class PageHinkley {

  public static final double DEFAULT_DELTA = 0.05;
  public static final double DEFAULT_LAMBDA = 20;
  public static final int DEFAULT_MIN_INSTANCES = 30;

  private final double delta;
  private final double lambda;
  private final int minInstances;

  private long n;
  private double mean;
  private double cumulative;
  private double minimum;

  public PageHinkley() {
    this(DEFAULT_DELTA, DEFAULT_LAMBDA, DEFAULT_MIN_INSTANCES);
  }

  public PageHinkley(double delta, double lambda, int minInstances) {
    if (!(delta >= 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("delta must be finite and >= 0, got " + delta);
    }
    if (!(lambda > 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
    }
    if (minInstances < 1) {
      throw new IllegalArgumentException("minInstances must be >= 1, got " + minInstances);
    }
    this.delta = delta;
    this.lambda = lambda;
    this.minInstances = minInstances;
  }

  /** Adds one observation; returns true when an increase is detected. */
  public boolean add(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("observation must be finite, got " + x);
    }
    n++;
    mean += (x - mean) / n;
    cumulative += x - mean - delta;
    minimum = Math.min(minimum, cumulative);
    return n >= minInstances && statistic() > lambda;
  }

  /** Current test statistic {@code m_t - min(m)}. */
  public double statistic() {
    return cumulative - minimum;
  }

  public long count() {
    return n;
  }

  public double lambda() {
    return lambda;
  }

  /** Running mean of the observations (part of the state a caller may store). */
  public double mean() {
    return mean;
  }

  /** {@code m_t} (part of the state a caller may store). */
  public double cumulative() {
    return cumulative;
  }

  /** {@code min(m)} (part of the state a caller may store). */
  public double minimum() {
    return minimum;
  }

  /**
   * Continues from a stored state ({@link #count()}, {@link #mean()}, {@link #cumulative()}, {@link
   * #minimum()}), so that the Flink job can keep the detector in keyed state instead of on the
   * heap.
   */
  public PageHinkley restore(long count, double mean, double cumulative, double minimum) {
    if (count < 0
        || !Double.isFinite(mean)
        || !Double.isFinite(cumulative)
        || !Double.isFinite(minimum)
        || minimum > cumulative) {
      throw new IllegalArgumentException(
          "not a Page-Hinkley state: n="
              + count
              + " mean="
              + mean
              + " m="
              + cumulative
              + " min="
              + minimum);
    }
    this.n = count;
    this.mean = mean;
    this.cumulative = cumulative;
    this.minimum = minimum;
    return this;
  }

  public void reset() {
    n = 0;
    mean = 0;
    cumulative = 0;
    minimum = 0;
  }
}
