package dev.sieve.inference.io;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.schemas.ContentEvent;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** The two Kafka sources of inference-job. */
public final class InferenceSources {

  private InferenceSources() {}

  /**
   * {@code sieve.content}, decoded as Confluent Avro. Only ingest-job writes this topic, after
   * validating every record, so an undecodable record here is a bug upstream and fails the task.
   */
  public static KafkaSource<ContentEvent> content(InferenceConfig config) {
    return KafkaSources.avroBuilder(config.common(), config.contentTopic(), ContentEvent.class)
        .build();
  }

  /**
   * The compacted {@code sieve.models}, raw, from the earliest offset on every fresh start: the
   * latest version of every classifier must be seen, whatever the group committed before. On a
   * restore the checkpointed offsets win, and the accepted versions come back from the operator's
   * state instead of a replay.
   */
  public static KafkaSource<KafkaRawRecord> models(InferenceConfig config) {
    return KafkaSources.rawRecordsBuilder(config.common(), config.modelsTopic())
        .setStartingOffsets(OffsetsInitializer.earliest())
        .build();
  }
}
