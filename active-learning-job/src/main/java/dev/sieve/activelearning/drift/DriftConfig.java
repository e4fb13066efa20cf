package dev.sieve.activelearning.drift;

import java.io.Serializable;

/**
 * Every number the drift detectors of one classifier run with, in one place, so that the measured
 * thresholds replace the defaults here and nowhere else. Each field has a command-line flag in the
 * job's configuration.
 *
 * @param referenceSize events in a detector's reference, taken after a model version starts serving
 *     (and again after a detector's cooldown)
 * @param windowSize events in each tumbling window compared with the reference
 * @param cooldownEvents after a finding, the detector is muted for this many of the classifier's
 *     events (or until a new model version serves); then its reference is taken again, so one shift
 *     gives one alert per detector rather than one per window
 * @param confidenceBins equal-width bins on [0, 1] of the top-class confidence histogram
 * @param confidencePsi threshold of the confidence PSI
 * @param classMixPsi threshold of the predicted-class-mix PSI
 * @param centroidDistance threshold of the cosine distance between the reference and window means
 *     of the embeddings
 * @param errorDelta Page-Hinkley delta of the labelled error-rate detector
 * @param errorLambda Page-Hinkley lambda (alarm level) of the labelled error-rate detector
 * @param errorMinLabels labels before the error-rate detector may alarm
 */
public record DriftConfig(
    int referenceSize,
    int windowSize,
    long cooldownEvents,
    int confidenceBins,
    double confidencePsi,
    double classMixPsi,
    double centroidDistance,
    double errorDelta,
    double errorLambda,
    int errorMinLabels)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * 500 events per reference and window: at 10 confidence bins that is about 50 events a bin, where
   * the PSI of two samples of the same stream stays near 0.04, far below 0.25 (its expected value
   * is about (bins - 1) x (1/r + 1/w)); a shift is then seen within two windows of it.
   */
  public static final int DEFAULT_REFERENCE = 500;

  public static final int DEFAULT_WINDOW = 500;

  /** Ten windows: long enough that a retrained version usually arrives first and resets instead. */
  public static final long DEFAULT_COOLDOWN = 5_000;

  /**
   * The defaults of the detector classes ({@link Psi}, {@link CentroidShift}, {@link PageHinkley}),
   * which state where each number comes from, until thresholds measured on the shared datasets
   * replace them here. On real text (the job's DriftIT, zero-shot ham/spam head): the largest
   * window statistics over 5,574 shuffled SMS were confidence PSI 0.025, class-mix PSI 0.015 and
   * centroid distance 0.014, all silent; a switch to emotion tweets moved the centroid to 0.12 in
   * the half-switched window and 0.34 after it, while the two PSIs stayed under 0.07.
   */
  public static DriftConfig defaults() {
    return new DriftConfig(
        DEFAULT_REFERENCE,
        DEFAULT_WINDOW,
        DEFAULT_COOLDOWN,
        Psi.DEFAULT_BINS,
        Psi.DEFAULT_THRESHOLD,
        Psi.DEFAULT_THRESHOLD,
        CentroidShift.DEFAULT_THRESHOLD,
        PageHinkley.DEFAULT_DELTA,
        PageHinkley.DEFAULT_LAMBDA,
        PageHinkley.DEFAULT_MIN_INSTANCES);
  }

  public DriftConfig {
    if (referenceSize < 10 || windowSize < 10) {
      throw new IllegalArgumentException(
          "drift reference and window must hold at least 10 events, got "
              + referenceSize
              + " and "
              + windowSize);
    }
    if (cooldownEvents < 0) {
      throw new IllegalArgumentException("drift cooldown must be >= 0, got " + cooldownEvents);
    }
    if (confidenceBins < 2) {
      throw new IllegalArgumentException("confidence bins must be >= 2, got " + confidenceBins);
    }
    for (double t : new double[] {confidencePsi, classMixPsi, centroidDistance, errorLambda}) {
      if (!(t > 0) || !Double.isFinite(t)) {
        throw new IllegalArgumentException("drift thresholds must be finite and > 0, got " + t);
      }
    }
    if (!(errorDelta >= 0) || !Double.isFinite(errorDelta)) {
      throw new IllegalArgumentException("error delta must be finite and >= 0, got " + errorDelta);
    }
    if (errorMinLabels < 1) {
      throw new IllegalArgumentException("error min labels must be >= 1, got " + errorMinLabels);
    }
  }

  public DriftConfig withSizes(int reference, int window, long cooldown) {
    return new DriftConfig(
        reference,
        window,
        cooldown,
        confidenceBins,
        confidencePsi,
        classMixPsi,
        centroidDistance,
        errorDelta,
        errorLambda,
        errorMinLabels);
  }

  public DriftConfig withThresholds(double confidence, double classMix, double centroid) {
    return new DriftConfig(
        referenceSize,
        windowSize,
        cooldownEvents,
        confidenceBins,
        confidence,
        classMix,
        centroid,
        errorDelta,
        errorLambda,
        errorMinLabels);
  }

  public DriftConfig withErrorTest(double delta, double lambda) {
    return new DriftConfig(
        referenceSize,
        windowSize,
        cooldownEvents,
        confidenceBins,
        confidencePsi,
        classMixPsi,
        centroidDistance,
        delta,
        lambda,
        errorMinLabels);
  }
}
