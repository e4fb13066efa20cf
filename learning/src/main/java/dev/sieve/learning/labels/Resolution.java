package dev.sieve.learning.labels;

/** How conflicting labels of one content and classifier are resolved. */
public enum Resolution {
  /** The first label wins; later ones are refused as {@link LabelRejectReason#ALREADY_LABELLED}. */
  FIRST,
  /** A class wins once more than half of k labelers chose it. */
  MAJORITY
}
