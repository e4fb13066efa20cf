package dev.sieve.activelearning.functions;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.ScoredContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test-data builders with named values. */
final class Samples {

  static final String SMS = "sms";
  static final String TOPIC = "topic";

  private static long offset;

  private Samples() {}

  /** A content scored by "sms" (ham/spam, version 1, guess ham) and "topic" (3 classes, v4). */
  static ScoredContent scored(String id, String text, float... embedding) {
    Map<String, ClassifierScores> classifiers = new LinkedHashMap<>();
    classifiers.put(SMS, scores(1, "ham", Map.of("spam", 0.3, "ham", 0.7)));
    classifiers.put(TOPIC, scores(4, "sport", Map.of("sport", 0.5, "news", 0.3, "tech", 0.2)));
    return ScoredContent.newBuilder()
        .setContentId(id)
        .setText(text)
        .setEmbeddingModel("all-minilm-l6-v2-q")
        .setEmbedding(list(embedding))
        .setClassifiers(classifiers)
        .setScoredAtMs(1_000)
        .build();
  }

  static ScoredContent scoredBy(
      String id, String classifier, int version, Map<String, Double> p, float... embedding) {
    String guess = p.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    return ScoredContent.newBuilder()
        .setContentId(id)
        .setText("text of " + id)
        .setEmbeddingModel("all-minilm-l6-v2-q")
        .setEmbedding(list(embedding))
        .setClassifiers(Map.of(classifier, scores(version, guess, p)))
        .setScoredAtMs(1_000)
        .build();
  }

  static ClassifierScores scores(int version, String guess, Map<String, Double> p) {
    return ClassifierScores.newBuilder()
        .setModelVersion(version)
        .setLabel(guess)
        .setConfidence(p.getOrDefault(guess, 0.0))
        .setScores(new LinkedHashMap<>(p))
        .build();
  }

  static DecodedLabel label(String id, String classifier, String label, String labeler) {
    Label l =
        Label.newBuilder()
            .setContentId(id)
            .setClassifier(classifier)
            .setLabel(label)
            .setLabeler(labeler)
            .setLabeledAtMs(5_000)
            .build();
    KafkaRawRecord raw =
        new KafkaRawRecord(
            "sieve.labels",
            0,
            offset++,
            4_000,
            id.getBytes(StandardCharsets.UTF_8),
            (labeler + ":" + label).getBytes(StandardCharsets.UTF_8));
    return new DecodedLabel(raw, l);
  }

  static float[] unit(int dimension, int hot) {
    float[] v = new float[dimension];
    v[hot] = 1;
    return v;
  }

  static List<Float> list(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }
}
