package dev.sieve.retrain.io;

import dev.sieve.core.kafka.KafkaSinks;
import dev.sieve.core.kafka.RecordKey;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.schemas.ModelVersion;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The Kafka sink of retrain-trigger. */
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
}
