package dev.sieve.core.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads every Kafka record as a {@link KafkaRawRecord}, bytes untouched. It cannot fail on any
 * record content, which is the point: decoding happens downstream, where a bad record can go to a
 * dead-letter topic instead of failing (and endlessly restarting) the job.
 */
public final class RawRecordDeserializationSchema
    implements KafkaRecordDeserializationSchema<KafkaRawRecord> {

  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaRawRecord> out) {
    out.collect(
        new KafkaRawRecord(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key(),
            record.value()));
  }

  @Override
  public TypeInformation<KafkaRawRecord> getProducedType() {
    return TypeInformation.of(KafkaRawRecord.class);
  }
}
