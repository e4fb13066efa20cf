package dev.sieve.cli.client;

import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Prediction;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code sieve stats} knows about one classifier: its predictions (how many, per class, how
 * confident, by which model versions) and the latest live accuracy of each model version. Plain
 * counting, no Kafka; fed by {@link PredictionStats}.
 */
final class ClassifierStats {

  private final String classifier;
  private final double lowConfidenceThreshold;
  private long predictions;
  private double confidenceSum;
  private long lowConfidence;
  private final Map<String, Long> classCounts = new TreeMap<>();
  private final Map<Integer, Long> versionCounts = new TreeMap<>();
  private int latestVersion = -1;
  private long latestPredictedAtMs = Long.MIN_VALUE;
  private final Map<Integer, LiveAccuracy> accuracy = new TreeMap<>();

  ClassifierStats(String classifier, double lowConfidenceThreshold) {
    this.classifier = classifier;
    this.lowConfidenceThreshold = lowConfidenceThreshold;
  }

  void add(Prediction p) {
    predictions++;
    confidenceSum += p.getConfidence();
    if (p.getConfidence() < lowConfidenceThreshold) {
      lowConfidence++;
    }
    // every class the classifier has, so a class it never predicts shows up with a count of 0
    p.getScores().keySet().forEach(label -> classCounts.putIfAbsent(label, 0L));
    classCounts.merge(p.getLabel(), 1L, Long::sum);
    versionCounts.merge(p.getModelVersion(), 1L, Long::sum);
    if (p.getPredictedAtMs() >= latestPredictedAtMs) {
      latestPredictedAtMs = p.getPredictedAtMs();
      latestVersion = p.getModelVersion();
    }
  }

  /** Keeps the latest measurement per model version (a later one replaces an earlier one). */
  void add(LiveAccuracy a) {
    LiveAccuracy known = accuracy.get(a.getModelVersion());
    if (known == null || a.getMeasuredAtMs() >= known.getMeasuredAtMs()) {
      accuracy.put(a.getModelVersion(), a);
    }
  }

  String classifier() {
    return classifier;
  }

  long predictions() {
    return predictions;
  }

  double lowConfidenceThreshold() {
    return lowConfidenceThreshold;
  }

  long lowConfidence() {
    return lowConfidence;
  }

  /** Share of predictions below the threshold; NaN without predictions. */
  double lowConfidenceRate() {
    return predictions == 0 ? Double.NaN : (double) lowConfidence / predictions;
  }

  /** NaN without predictions. */
  double meanConfidence() {
    return predictions == 0 ? Double.NaN : confidenceSum / predictions;
  }

  /** Predictions per class, most frequent first (ties by name). */
  Map<String, Long> classCounts() {
    Map<String, Long> sorted = new LinkedHashMap<>();
    classCounts.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Share of predictions of {@code label}; NaN without predictions. */
  double share(String label) {
    return predictions == 0
        ? Double.NaN
        : (double) classCounts.getOrDefault(label, 0L) / predictions;
  }

  /** Predictions per model version, highest version first. */
  Map<Integer, Long> versionCounts() {
    Map<Integer, Long> sorted = new TreeMap<>(Collections.reverseOrder());
    sorted.putAll(versionCounts);
    return sorted;
  }

  /** The version of the most recent prediction (the one serving now), or -1 without predictions. */
  int latestVersion() {
    return latestVersion;
  }

  /** The latest live accuracy of each version, highest version first. */
  List<LiveAccuracy> accuracy() {
    return accuracy.values().stream()
        .sorted(Comparator.comparingInt(LiveAccuracy::getModelVersion).reversed())
        .toList();
  }
}
