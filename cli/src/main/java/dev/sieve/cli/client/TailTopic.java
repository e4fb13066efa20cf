package dev.sieve.cli.client;

import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * A topic {@code sieve tail} can follow: the short name a user types, the topic and record type,
 * the classifier a record is about (null for topics that are not per classifier), and its line.
 *
 * @param json whether the topic may also hold JSON instead of Avro (only {@code sieve.content.raw})
 */
record TailTopic<T extends SpecificRecord>(
    String name,
    Topic<String, T> topic,
    Function<T, String> classifier,
    Function<T, String> line,
    boolean json) {

  /** Every followable topic by its short name, in the order {@code --help} lists them. */
  static final Map<String, TailTopic<?>> ALL =
      byName(
          List.of(
              avro(
                  "predictions",
                  Topics.PREDICTIONS,
                  Prediction::getClassifier,
                  RecordLines::prediction),
              avro(
                  "requests",
                  Topics.LABELING_REQUESTS,
                  LabelRequest::getClassifier,
                  RecordLines::request),
              avro("labels", Topics.LABELS, Label::getClassifier, RecordLines::label),
              avro(
                  "labelled",
                  Topics.LABELLED,
                  LabelledExample::getClassifier,
                  RecordLines::labelled),
              avro("drift", Topics.DRIFT, DriftAlert::getClassifier, RecordLines::drift),
              avro(
                  "drift-windows",
                  Topics.DRIFT_WINDOWS,
                  DriftWindow::getClassifier,
                  RecordLines::driftWindow),
              avro("models", Topics.MODELS, ModelVersion::getClassifier, RecordLines::model),
              avro("accuracy", Topics.ACCURACY, LiveAccuracy::getClassifier, RecordLines::accuracy),
              avro("dlq", Topics.CONTENT_DLQ, null, RecordLines::deadLetter),
              avro("content", Topics.CONTENT, null, RecordLines::content),
              new TailTopic<>("raw", Topics.CONTENT_RAW, null, RecordLines::content, true),
              avro("labels-dlq", Topics.LABELS_DLQ, null, RecordLines::deadLetter),
              avro(
                  "alerts",
                  Topics.MODEL_ALERTS,
                  ModelAlert::getClassifier,
                  RecordLines::modelAlert),
              avro(
                  "retrain",
                  Topics.RETRAIN_REQUESTS,
                  RetrainRequest::getClassifier,
                  RecordLines::retrain)));

  /** The value's Avro class. */
  Class<T> type() {
    return topic.valueType();
  }

  /** The line of a decoded record (the cast is safe: values are decoded as {@link #type()}). */
  String lineOf(SpecificRecord record) {
    return line.apply(type().cast(record));
  }

  /** The classifier a decoded record is about, or null when the topic is not per classifier. */
  String classifierOf(SpecificRecord record) {
    return classifier == null ? null : classifier.apply(type().cast(record));
  }

  private static <T extends SpecificRecord> TailTopic<T> avro(
      String name,
      Topic<String, T> topic,
      Function<T, String> classifier,
      Function<T, String> line) {
    return new TailTopic<>(name, topic, classifier, line, false);
  }

  private static Map<String, TailTopic<?>> byName(List<TailTopic<?>> topics) {
    Map<String, TailTopic<?>> map = new LinkedHashMap<>();
    topics.forEach(t -> map.put(t.name(), t));
    return Collections.unmodifiableMap(map);
  }
}
