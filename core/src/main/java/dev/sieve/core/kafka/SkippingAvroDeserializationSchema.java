package dev.sieve.core.kafka;

import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroDeserializationSchema;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Confluent-framed Avro from a topic that Sieve's jobs or CLI write, where a bad record is a
 * bug or a stray producer rather than user input. Such a record must not crash-loop the job: it is
 * logged (topic, partition, offset, reason) and counted in {@code sieve.undecodableRecords} and in
 * {@code sieve.reason.<REASON>.undecodableRecords} (the {@link AvroDecodeException.Reason}, a
 * key/value group, so reporters show it as a label), and the source moves on. Tombstones are
 * skipped silently. A registry outage is not the record's fault and still fails the task, so Flink
 * retries from the last checkpoint.
 */
final class SkippingAvroDeserializationSchema<T extends SpecificRecord>
    implements KafkaRecordDeserializationSchema<T> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG =
      LoggerFactory.getLogger(SkippingAvroDeserializationSchema.class);

  /** The counter's name, in group {@code sieve} and in {@code sieve.reason.<REASON>}. */
  static final String UNDECODABLE = "undecodableRecords";

  private final ConfluentAvroDeserializationSchema<T> avro;
  private transient Counter undecodable;
  private transient Map<AvroDecodeException.Reason, Counter> undecodableByReason;

  SkippingAvroDeserializationSchema(ConfluentAvroDeserializationSchema<T> avro) {
    this.avro = Objects.requireNonNull(avro, "avro");
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) throws Exception {
    avro.open(context);
    MetricGroup sieve = context.getMetricGroup().addGroup("sieve");
    undecodable = sieve.counter(UNDECODABLE);
    undecodableByReason = new EnumMap<>(AvroDecodeException.Reason.class);
    for (AvroDecodeException.Reason reason : AvroDecodeException.Reason.values()) {
      undecodableByReason.put(reason, sieve.addGroup("reason", reason.name()).counter(UNDECODABLE));
    }
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out)
      throws IOException {
    if (record.value() == null) {
      return;
    }
    try {
      out.collect(avro.deserialize(record.value()));
    } catch (AvroDecodeException e) {
      if (undecodable != null) {
        undecodable.inc();
        undecodableByReason.get(e.reason()).inc();
      }
      LOG.warn(
          "Skipping undecodable record {}-{}@{}: {} ({})",
          record.topic(),
          record.partition(),
          record.offset(),
          e.reason(),
          e.getMessage());
    }
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return avro.getProducedType();
  }
}
