package dev.sieve.learning.drift;

/**
 * One closed window of a windowed detector ({@link DriftMonitor#CONFIDENCE_PSI}, {@link
 * DriftMonitor#CLASS_MIX_PSI}, {@link DriftMonitor#CENTROID_COSINE}), alerted or not: the numbers
 * an operator plots against the threshold. A window that alerted is also a {@link DriftFinding}.
 *
 * @param detector the detector's name
 * @param statistic its statistic between the reference and this window
 * @param threshold the threshold it is compared with
 * @param alerted whether {@code statistic > threshold}
 * @param referenceSize events in the reference
 * @param windowSize events in this window
 * @param modelVersion the serving model version
 * @param atEvent the classifier's events observed under that version when the window closed
 */
public record DriftWindow(
    String detector,
    double statistic,
    double threshold,
    boolean alerted,
    int referenceSize,
    int windowSize,
    int modelVersion,
    long atEvent) {}
