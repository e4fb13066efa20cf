package dev.sieve.cli.client;

import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Prediction;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test-data builders with named values. */
final class Records {

  private Records() {}

  /** A prediction of a two-class classifier: {@code label} gets {@code confidence}. */
  static Prediction prediction(
      String id, String classifier, String label, String other, double confidence, int version) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put(label, confidence);
    scores.put(other, 1 - confidence);
    return Prediction.newBuilder()
        .setContentId(id)
        .setClassifier(classifier)
        .setLabel(label)
        .setConfidence(confidence)
        .setScores(scores)
        .setModelVersion(version)
        .setLatencyMs(12)
        .setPredictedAtMs(1_767_225_600_000L + version * 1000L)
        .build();
  }

  static LiveAccuracy accuracy(
      String classifier,
      int version,
      long correct,
      long labels,
      long randomCorrect,
      long randomLabels,
      long measuredAtMs) {
    return LiveAccuracy.newBuilder()
        .setClassifier(classifier)
        .setModelVersion(version)
        .setLabels(labels)
        .setCorrect(correct)
        .setAccuracy(labels == 0 ? Double.NaN : (double) correct / labels)
        .setRandomLabels(randomLabels)
        .setRandomCorrect(randomCorrect)
        .setUnbiasedAccuracy(randomLabels == 0 ? Double.NaN : (double) randomCorrect / randomLabels)
        .setMeasuredAtMs(measuredAtMs)
        .build();
  }
}
