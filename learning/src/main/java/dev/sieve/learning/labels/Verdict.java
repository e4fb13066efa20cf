package dev.sieve.learning.labels;

/**
 * What was decided about one content and classifier, kept in keyed state: the winning label and who
 * chose it, or that voting closed without a majority. A POJO (public fields, no-argument
 * constructor), so Flink serializes it without Kryo.
 */
public final class Verdict {

  /** The decided label; null while undecided or after {@link #noMajority}. */
  public String label;

  /** The labelers who chose {@link #label}, comma-separated, sorted. */
  public String labelers;

  public boolean noMajority;

  public Verdict() {}

  static Verdict decided(String label, String labelers) {
    Verdict v = new Verdict();
    v.label = label;
    v.labelers = labelers;
    return v;
  }

  static Verdict closedWithoutMajority() {
    Verdict v = new Verdict();
    v.noMajority = true;
    return v;
  }
}
