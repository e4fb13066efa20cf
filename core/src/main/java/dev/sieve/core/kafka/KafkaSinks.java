package dev.sieve.core.kafka;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.serde.ConfluentAvroSerializationSchema;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Kafka sinks configured the same way for every Sieve job: Confluent-framed Avro values through the
 * schema registry, the job's delivery guarantee, and the pass-through client properties.
 *
 * <p>With {@link org.apache.flink.connector.base.DeliveryGuarantee#EXACTLY_ONCE} every sink writes
 * in Kafka transactions committed when a checkpoint completes, so {@code read_committed} consumers
 * see its output only then: end-to-end latency is up to one checkpoint interval (plus the commit).
 * {@code AT_LEAST_ONCE} output is visible at once, but a restart from a checkpoint writes again
 * what was written after that checkpoint.
 */
public final class KafkaSinks {

  /**
   * Kafka transaction timeout unless {@code --kafka.transaction.timeout.ms} says otherwise. The
   * connector's own default (1 h) is above a broker's default {@code transaction.max.timeout.ms}
   * (15 min), which makes every transaction fail; it must outlast the longest expected downtime
   * between a checkpoint and its commit, or data written in that window is lost.
   */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  private KafkaSinks() {}

  /**
   * A sink writing {@code type} records to {@code topic}, keyed by {@code key}.
   *
   * @param name unique among the job's sinks (e.g. {@code content}, {@code dlq}); it becomes part
   *     of the transactional id prefix, which must be unique per sink in the Kafka cluster
   */
  public static <T extends SpecificRecord> KafkaSink<T> avro(
      CommonConfig config, String name, String topic, Class<T> type, RecordKey<T> key) {
    KafkaRecordSerializationSchema<T> serializer =
        KafkaRecordSerializationSchema.<T>builder()
            .setTopic(topic)
            .setKeySerializationSchema(new KeySerializationSchema<>(key))
            .setValueSerializationSchema(
                new ConfluentAvroSerializationSchema<>(config.registry(), topic, type))
            .build();
    return KafkaSink.<T>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setKafkaProducerConfig(producerProperties(config))
        .setDeliveryGuarantee(config.delivery())
        .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + name)
        .setRecordSerializer(serializer)
        .build();
  }

  /** The job's pass-through properties with Sieve's producer defaults under them. */
  static Properties producerProperties(CommonConfig config) {
    Properties props = new Properties();
    props.setProperty(
        "transaction.timeout.ms", Long.toString(DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
    // Nothing is silently dropped: wait for all in-sync replicas.
    props.setProperty("acks", "all");
    props.putAll(config.kafkaClientProperties());
    return props;
  }
}
