package dev.sieve.learning.drift;

import java.util.Locale;

/**
 * One detector's verdict that a classifier's input or performance has shifted.
 *
 * @param detector {@link DriftMonitor#CONFIDENCE_PSI}, {@link DriftMonitor#CLASS_MIX_PSI}, {@link
 *     DriftMonitor#CENTROID_COSINE} or {@link DriftMonitor#ERROR_PAGE_HINKLEY}
 * @param statistic the detector's statistic that crossed the threshold
 * @param threshold the threshold it crossed
 * @param referenceSize events (labels, for the error detector) in the reference
 * @param windowSize events in the window compared with it (labels since the reset, for the error
 *     detector)
 * @param modelVersion the serving model version
 * @param atEvent the classifier's events observed under that version when it fired (1-based)
 */
public record DriftFinding(
    String detector,
    double statistic,
    double threshold,
    int referenceSize,
    int windowSize,
    int modelVersion,
    long atEvent) {

  /** One line for logs and the retrain request's detail. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s %.4f > %.4f after %d events of version %d (reference %d, window %d)",
        detector,
        statistic,
        threshold,
        atEvent,
        modelVersion,
        referenceSize,
        windowSize);
  }
}
