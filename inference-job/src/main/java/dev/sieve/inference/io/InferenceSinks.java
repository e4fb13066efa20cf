package dev.sieve.inference.io;

import dev.sieve.core.kafka.KafkaSinks;
import dev.sieve.core.kafka.RecordKey;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The three Kafka sinks of inference-job. */
public final class InferenceSinks {

  private InferenceSinks() {}

  /** {@code sieve.predictions}: key = content id, one record per content event and classifier. */
  public static KafkaSink<Prediction> predictions(InferenceConfig config) {
    return KafkaSinks.avro(
        config.common(),
        "predictions",
        config.predictionsTopic(),
        Prediction.class,
        RecordKey.utf8(Prediction::getContentId));
  }

  /** {@code sieve.scored}: key = content id; the embedding and every classifier's scores. */
  public static KafkaSink<ScoredContent> scored(InferenceConfig config) {
    return KafkaSinks.avro(
        config.common(),
        "scored",
        config.scoredTopic(),
        ScoredContent.class,
        RecordKey.utf8(ScoredContent::getContentId));
  }

  /** {@code sieve.models.alerts}: key = classifier name. */
  public static KafkaSink<ModelAlert> alerts(InferenceConfig config) {
    return KafkaSinks.avro(
        config.common(),
        "alerts",
        config.alertsTopic(),
        ModelAlert.class,
        RecordKey.utf8(ModelAlert::getClassifier));
  }
}
