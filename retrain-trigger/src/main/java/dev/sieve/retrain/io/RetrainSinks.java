package dev.sieve.retrain.io;

import dev.sieve.core.kafka.KafkaSinks;
import dev.sieve.core.kafka.RecordKey;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topics;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The Kafka sinks of retrain-trigger. */
public final class RetrainSinks {

  private RetrainSinks() {}

  /** {@code sieve.models}: key = classifier name, so compaction keeps each one's latest version. */
  public static KafkaSink<ModelVersion> models(RetrainConfig config) {
    return KafkaSinks.avro(
        config.common(),
        "models",
        config.modelsTopic(),
        ModelVersion.class,
        RecordKey.utf8(ModelVersion::getClassifier));
  }

  /** {@code sieve.models.alerts}: model versions refused as champions, key = classifier name. */
  public static KafkaSink<ModelAlert> alerts(RetrainConfig config) {
    return KafkaSinks.avro(
        config.common(),
        "alerts",
        config.common().topic(Topics.MODEL_ALERTS),
        ModelAlert.class,
        RecordKey.utf8(ModelAlert::getClassifier));
  }
}
