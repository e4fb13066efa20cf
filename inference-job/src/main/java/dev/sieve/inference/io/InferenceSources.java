package dev.sieve.inference.io;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.functions.LastModelOffsets;
import dev.sieve.schemas.ContentEvent;
import java.time.Duration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** The two Kafka sources of inference-job, and the end of the models topic. */
public final class InferenceSources {

  /** Kafka's own default API timeout: long enough for a broker failover, short of a hang. */
  public static final Duration LAST_OFFSETS_TIMEOUT = Duration.ofSeconds(60);

  private InferenceSources() {}

  /**
   * {@code sieve.content}, decoded as Confluent Avro. Only ingest-job writes this topic, after
   * validating every record, so an undecodable record here is a bug upstream: logged, counted and
   * skipped (see {@link KafkaSources#avroBuilder}), so that it cannot crash-loop the job.
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

  /**
   * Where {@code sieve.models} ends when the model reader starts, read with the job's Kafka client
   * properties, so the decoder can tell the inference operator when the model stream has caught up.
   * Bounded by {@link #LAST_OFFSETS_TIMEOUT}, past which the task fails and Flink restarts it.
   */
  public static LastModelOffsets lastModelOffsets(InferenceConfig config) {
    return new KafkaLastOffsets(
        config.common().kafkaClientProperties(), config.modelsTopic(), LAST_OFFSETS_TIMEOUT);
  }
}
