package dev.sieve.learning.drift;

/**
 * Everything {@link DriftMonitor} remembers about one classifier: the serving model version, the
 * events seen under it, one {@link DetectorState} per windowed detector and the Page-Hinkley state
 * of the labelled error rate. Public fields and a no-argument constructor, so that Flink stores it
 * as a POJO in keyed state (no Kryo); the size is dominated by the two centroid sums (2 x 384
 * doubles, about 6 KB).
 */
public final class DriftState {

  public int modelVersion = Integer.MIN_VALUE;

  /** The classifier's classes under {@link #modelVersion}, in the order of the class-mix counts. */
  public String[] classes = new String[0];

  /** Events observed under {@link #modelVersion}. */
  public long events;

  public DetectorState confidence = new DetectorState();
  public DetectorState classMix = new DetectorState();
  public DetectorState centroid = new DetectorState();

  /** Page-Hinkley state of the 0/1 error stream of labels about {@link #modelVersion}. */
  public long errorCount;

  public double errorMean;
  public double errorCumulative;
  public double errorMinimum;

  /** While true, labels are not tested until {@link #errorMutedUntilEvent}. */
  public boolean errorMuted;

  public long errorMutedUntilEvent;

  public DriftState() {}

  void resetError() {
    errorCount = 0;
    errorMean = 0;
    errorCumulative = 0;
    errorMinimum = 0;
    errorMuted = false;
    errorMutedUntilEvent = 0;
  }
}
