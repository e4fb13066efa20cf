package dev.sieve.cli.report;

import java.util.Map;
import java.util.TreeMap;

/** One classifier's predictions: how many, by which model versions, and over what time. */
final class PredictionCounts {

  private long total;
  private final Map<Integer, Long> byVersion = new TreeMap<>();
  private long firstMs = Long.MAX_VALUE;
  private long lastMs = Long.MIN_VALUE;

  void add(int version, long atMs) {
    total++;
    byVersion.merge(version, 1L, Long::sum);
    firstMs = Math.min(firstMs, atMs);
    lastMs = Math.max(lastMs, atMs);
  }

  long total() {
    return total;
  }

  /** Predictions per serving model version, oldest version first. */
  Map<Integer, Long> byVersion() {
    return new TreeMap<>(byVersion);
  }

  long firstMs() {
    return firstMs;
  }

  long lastMs() {
    return lastMs;
  }
}
