package dev.sieve.activelearning.io;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.kafka.KafkaSinks;
import dev.sieve.core.kafka.RecordKey;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.RetrainRequest;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The seven sinks of active-learning-job, as one value so that {@code defineWorkflow} takes them
 * together (tests pass their own).
 *
 * @param requests {@code sieve.labeling.requests}, keyed by content id
 * @param labelled {@code sieve.labelled}, keyed by content id
 * @param accuracy {@code sieve.accuracy}, keyed by classifier
 * @param drift {@code sieve.drift}, keyed by classifier
 * @param retrain {@code sieve.retrain.requests}, keyed by classifier
 * @param driftWindows {@code sieve.drift.windows}, keyed by classifier
 * @param deadLetters {@code sieve.labels.dlq}, keyed by the refused record's own key
 */
public record ActiveLearningSinks(
    Sink<LabelRequest> requests,
    Sink<LabelledExample> labelled,
    Sink<LiveAccuracy> accuracy,
    Sink<DriftAlert> drift,
    Sink<RetrainRequest> retrain,
    Sink<DeadLetter> deadLetters,
    Sink<DriftWindow> driftWindows) {

  /** Confluent-framed Avro through the registry, with the job's delivery guarantee. */
  public static ActiveLearningSinks kafka(ActiveLearningConfig config) {
    var common = config.common();
    return new ActiveLearningSinks(
        KafkaSinks.avro(
            common,
            "requests",
            config.requestsTopic(),
            LabelRequest.class,
            RecordKey.utf8(LabelRequest::getContentId)),
        KafkaSinks.avro(
            common,
            "labelled",
            config.labelledTopic(),
            LabelledExample.class,
            RecordKey.utf8(LabelledExample::getContentId)),
        KafkaSinks.avro(
            common,
            "accuracy",
            config.accuracyTopic(),
            LiveAccuracy.class,
            RecordKey.utf8(LiveAccuracy::getClassifier)),
        KafkaSinks.avro(
            common,
            "drift",
            config.driftTopic(),
            DriftAlert.class,
            RecordKey.utf8(DriftAlert::getClassifier)),
        KafkaSinks.avro(
            common,
            "retrain",
            config.retrainTopic(),
            RetrainRequest.class,
            RecordKey.utf8(RetrainRequest::getClassifier)),
        KafkaSinks.avro(
            common, "dlq", config.labelsDlqTopic(), DeadLetter.class, DeadLetters::keyOf),
        KafkaSinks.avro(
            common,
            "drift-windows",
            config.driftWindowsTopic(),
            DriftWindow.class,
            RecordKey.utf8(DriftWindow::getClassifier)));
  }
}
