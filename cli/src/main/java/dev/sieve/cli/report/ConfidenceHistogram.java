package dev.sieve.cli.report;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The distribution of prediction confidence per classifier, in {@link #BINS} equal bins over [0,
 * 1]. A classifier whose mass sits near the left is unsure of most of what it sees, which is where
 * the labeling budget goes.
 */
final class ConfidenceHistogram {

  static final int BINS = 20;

  private final Map<String, long[]> counts = new TreeMap<>();
  private long nonFinite;

  void add(String classifier, double confidence) {
    if (!Double.isFinite(confidence)) {
      nonFinite++;
      return;
    }
    double clamped = Math.max(0, Math.min(1, confidence));
    int bin = Math.min(BINS - 1, (int) Math.floor(clamped * BINS));
    counts.computeIfAbsent(classifier, c -> new long[BINS])[bin]++;
  }

  List<String> classifiers() {
    return List.copyOf(counts.keySet());
  }

  /** The count in each bin; bin {@code i} holds [i / BINS, (i + 1) / BINS), the last one also 1. */
  long[] counts(String classifier) {
    return counts.getOrDefault(classifier, new long[BINS]).clone();
  }

  long total(String classifier) {
    long sum = 0;
    for (long n : counts.getOrDefault(classifier, new long[BINS])) {
      sum += n;
    }
    return sum;
  }

  /** Predictions whose confidence was NaN or infinite: counted here, drawn nowhere. */
  long nonFinite() {
    return nonFinite;
  }

  static double binStart(int bin) {
    return (double) bin / BINS;
  }
}
