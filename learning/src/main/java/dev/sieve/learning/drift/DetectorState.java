package dev.sieve.learning.drift;

/**
 * The state of one windowed drift detector (a histogram for the PSI detectors, a pair of running
 * sums for the centroid detector; the other pair of arrays stays empty). A plain mutable object
 * with public fields, so that Flink keeps it as a POJO inside {@link DriftState}.
 */
public final class DetectorState {

  /** Where the detector is in its cycle: reference → monitoring → (finding) muted → reference. */
  public enum Phase {
    REFERENCE,
    MONITORING,
    MUTED
  }

  public Phase phase = Phase.REFERENCE;

  /** While {@link Phase#MUTED}: the classifier's event count at which the cooldown ends. */
  public long mutedUntilEvent;

  public int referenceCount;
  public int windowCount;

  /** Histogram detectors: counts per bin (or per class). */
  public long[] referenceCounts = new long[0];

  public long[] windowCounts = new long[0];

  /** Centroid detector: sums of the embeddings. */
  public double[] referenceSum = new double[0];

  public double[] windowSum = new double[0];

  public DetectorState() {}

  /** Forgets everything and starts taking a reference. */
  void restart() {
    phase = Phase.REFERENCE;
    mutedUntilEvent = 0;
    referenceCount = 0;
    windowCount = 0;
    referenceCounts = new long[0];
    windowCounts = new long[0];
    referenceSum = new double[0];
    windowSum = new double[0];
  }
}
