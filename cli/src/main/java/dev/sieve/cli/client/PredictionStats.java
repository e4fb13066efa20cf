package dev.sieve.cli.client;

import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Prediction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregation behind {@code sieve stats}: predictions and live-accuracy records in, one {@link
 * ClassifierStats} per classifier out. Plain Java, so it is tested without Kafka.
 */
final class PredictionStats {

  private final double lowConfidenceThreshold;
  private final String onlyClassifier;
  private final Map<String, ClassifierStats> byClassifier = new TreeMap<>();

  /**
   * @param lowConfidenceThreshold a prediction below this confidence counts as low-confidence
   * @param onlyClassifier keep only this classifier, or null for all
   */
  PredictionStats(double lowConfidenceThreshold, String onlyClassifier) {
    if (!(lowConfidenceThreshold >= 0 && lowConfidenceThreshold <= 1)) {
      throw new IllegalArgumentException(
          "--low-confidence must be between 0 and 1, got " + lowConfidenceThreshold);
    }
    this.lowConfidenceThreshold = lowConfidenceThreshold;
    this.onlyClassifier = onlyClassifier;
  }

  void add(Prediction p) {
    ClassifierStats stats = stats(p.getClassifier());
    if (stats != null) {
      stats.add(p);
    }
  }

  void add(LiveAccuracy a) {
    ClassifierStats stats = stats(a.getClassifier());
    if (stats != null) {
      stats.add(a);
    }
  }

  /** Every classifier seen, by name. */
  List<ClassifierStats> classifiers() {
    return List.copyOf(byClassifier.values());
  }

  long predictions() {
    return byClassifier.values().stream().mapToLong(ClassifierStats::predictions).sum();
  }

  double lowConfidenceThreshold() {
    return lowConfidenceThreshold;
  }

  private ClassifierStats stats(String classifier) {
    if (onlyClassifier != null && !onlyClassifier.equals(classifier)) {
      return null;
    }
    return byClassifier.computeIfAbsent(
        classifier, c -> new ClassifierStats(c, lowConfidenceThreshold));
  }
}
