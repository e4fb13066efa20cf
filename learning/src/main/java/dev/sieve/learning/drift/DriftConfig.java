package dev.sieve.learning.drift;

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
 * @param classMixPsi threshold of the predicted-class-mix PSI for up to {@value
 *     #CLASS_MIX_CALIBRATED_CLASSES} classes; more classes get more (see {@link #classMixPsiFor})
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
   * 500 events per reference and window: a window that is half new texts is flagged 99.9 % of the
   * time, an abrupt switch is alerted at most 749 events after it (measured: 721), and the first
   * alert is possible 1,000 events after a model version starts serving ({@code
   * docs/measurements/drift-calibration.md}).
   */
  public static final int DEFAULT_REFERENCE = 500;

  public static final int DEFAULT_WINDOW = 500;

  /** Ten windows: long enough that a retrained version usually arrives first and resets instead. */
  public static final long DEFAULT_COOLDOWN = 5_000;

  /**
   * Thresholds at R = W = 500, measured by {@code sieve calibrate-drift} on the three shared
   * datasets (each text scored by a head trained on the rest of its dataset;
   * docs/measurements/drift-calibration.md): no alarm in 9,200 no-drift windows and 600
   * whole-dataset streams, each threshold about 1.5x the largest no-drift value. Centroid 0.03
   * (no-drift max 0.0198, smallest shifted window 0.142; it is the only detector that found all six
   * dataset pairs); confidence PSI 0.15 (max 0.095); class-mix PSI 0.11 (max 0.072) for up to 4
   * classes, more for more ({@link #classMixPsiFor}).
   */
  public static final double CENTROID_AT_500 = 0.03;

  public static final double CONFIDENCE_PSI_AT_500 = 0.15;
  public static final double CLASS_MIX_PSI_AT_500 = 0.11;

  /**
   * Page-Hinkley delta 0.1, lambda 20: no alarm in 8,000 no-drift streams of 10,000 labels; a rise
   * of the error rate by 0.2 is found in a median of 236 labels. (Delta 0.05 alarmed in 2-5 % of
   * no-drift streams.) A rise of only 0.1 goes unseen.
   */
  public static final double ERROR_DELTA = 0.1;

  public static final double ERROR_LAMBDA = 20;

  /** The largest class count the class-mix threshold was calibrated on (tweeteval_emotion). */
  public static final int CLASS_MIX_CALIBRATED_CLASSES = 4;

  /**
   * The class-mix PSI threshold for a classifier with {@code classes} classes. Without drift the
   * PSI of two samples of one class mix follows χ²(k − 1) x (1/R + 1/W)
   * (docs/measurements/drift-calibration.md: measured 99.9th percentiles 0.041 / 0.067 / 0.046
   * against 0.045 / 0.066 / 0.045 predicted), so its noise grows with the class count: for a
   * 20-class topic classifier it averages about 0.076 at R = W = 500, and the calibrated 0.11 would
   * alarm on about one stationary window in ten. Up to {@value #CLASS_MIX_CALIBRATED_CLASSES}
   * classes the threshold is {@link #classMixPsi()} as calibrated; above, it grows with the 99.9th
   * percentile of χ²(k − 1): 0.19 for 10 classes, 0.29 for 20.
   */
  public double classMixPsiFor(int classes) {
    if (classes <= CLASS_MIX_CALIBRATED_CLASSES) {
      return classMixPsi;
    }
    return classMixPsi
        * ChiSquared.quantile999(classes - 1)
        / ChiSquared.quantile999(CLASS_MIX_CALIBRATED_CLASSES - 1);
  }

  public static DriftConfig defaults() {
    return forWindows(DEFAULT_REFERENCE, DEFAULT_WINDOW, DEFAULT_COOLDOWN);
  }

  /**
   * The measured thresholds scaled to other window sizes. The no-drift noise of every window
   * statistic (PSI and squared centroid distance alike) grows with 1/R + 1/W, which the calibration
   * confirmed at W = 200, 500 and 1,000; so a smaller window gets a proportionally higher threshold
   * instead of false alarms (centroid 0.15 at R = W = 100, 0.023 at W = 1,000).
   */
  public static DriftConfig forWindows(int reference, int window, long cooldown) {
    double scale = (1.0 / reference + 1.0 / window) / (2.0 / 500);
    return new DriftConfig(
        reference,
        window,
        cooldown,
        Psi.DEFAULT_BINS,
        CONFIDENCE_PSI_AT_500 * scale,
        CLASS_MIX_PSI_AT_500 * scale,
        CENTROID_AT_500 * scale,
        ERROR_DELTA,
        ERROR_LAMBDA,
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
