package dev.sieve.core.kafka;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.serde.ConfluentAvroDeserializationSchema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources configured the same way for every Sieve job. */
public final class KafkaSources {

  private KafkaSources() {}

  /**
   * An unbounded source of raw records from {@code topic}.
   *
   * <p>It starts from the group's committed offsets, or from the earliest offset for a new group
   * (Flink's checkpointed offsets win on a restore), and reads {@code read_committed}, so
   * transactions that an upstream exactly-once writer aborted are never seen.
   */
  public static KafkaSource<KafkaRawRecord> rawRecords(CommonConfig config, String topic) {
    return rawRecordsBuilder(config, topic).build();
  }

  /** The builder behind {@link #rawRecords}, for callers that need a bound or other offsets. */
  public static KafkaSourceBuilder<KafkaRawRecord> rawRecordsBuilder(
      CommonConfig config, String topic) {
    return KafkaSources.<KafkaRawRecord>configured(config, topic)
        .setDeserializer(new RawRecordDeserializationSchema());
  }

  /**
   * A builder of a source of Confluent-framed Avro {@code type} records from {@code topic},
   * configured like {@link #rawRecords}. Only for topics that Sieve's own jobs and CLI write (such
   * as {@code sieve.content}): a record that cannot be decoded is logged, counted and skipped so it
   * cannot crash-loop the job, where a user's topic should be read raw and dead-lettered instead.
   */
  public static <T extends SpecificRecord> KafkaSourceBuilder<T> avroBuilder(
      CommonConfig config, String topic, Class<T> type) {
    return KafkaSources.<T>configured(config, topic)
        .setDeserializer(
            new SkippingAvroDeserializationSchema<>(
                new ConfluentAvroDeserializationSchema<>(config.registry(), type)));
  }

  @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
  private static <T> KafkaSourceBuilder<T> configured(CommonConfig config, String topic) {
    return KafkaSource.<T>builder()
        .setProperty("isolation.level", "read_committed") // a default the pass-through may change
        .setProperties(config.kafkaClientProperties())
        .setBootstrapServers(config.bootstrapServers())
        .setTopics(topic)
        .setGroupId(config.groupId())
        .setClientIdPrefix(config.groupId() + "-" + topic)
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
  }
}
