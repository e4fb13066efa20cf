package dev.sieve.retrain.io;

import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** The three Kafka sources of retrain-trigger, all Confluent Avro written by Sieve's own jobs. */
public final class RetrainSources {

  private RetrainSources() {}

  /**
   * {@code sieve.labelled}: labels joined with their content and embedding (active-learning-job).
   */
  public static KafkaSource<LabelledExample> labelled(RetrainConfig config) {
    return KafkaSources.avroBuilder(config.common(), config.labelledTopic(), LabelledExample.class)
        .build();
  }

  /** {@code sieve.retrain.requests}: drift, manual and other retraining requests. */
  public static KafkaSource<RetrainRequest> requests(RetrainConfig config) {
    return KafkaSources.avroBuilder(config.common(), config.requestsTopic(), RetrainRequest.class)
        .build();
  }

  /**
   * The compacted {@code sieve.models}, from the earliest offset on every fresh start: each
   * classifier's latest version is its champion, whatever the group committed before. On a restore
   * the checkpointed offsets win and the champions come back from keyed state.
   */
  public static KafkaSource<ModelVersion> models(RetrainConfig config) {
    return KafkaSources.avroBuilder(config.common(), config.modelsTopic(), ModelVersion.class)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .build();
  }
}
