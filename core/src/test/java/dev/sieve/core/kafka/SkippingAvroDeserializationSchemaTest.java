package dev.sieve.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.serde.ConfluentAvroDeserializationSchema;
import dev.sieve.schemas.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class SkippingAvroDeserializationSchemaTest {

  // Never contacted: both records below are refused before any schema lookup.
  private final SkippingAvroDeserializationSchema<ModelVersion> schema =
      new SkippingAvroDeserializationSchema<>(
          new ConfluentAvroDeserializationSchema<>(
              RegistryConfig.forUrl("http://127.0.0.1:9"), ModelVersion.class));

  @Test
  void aRecordThatIsNotConfluentAvroIsSkippedInsteadOfFailingTheSource() throws Exception {
    List<ModelVersion> out = new ArrayList<>();

    schema.deserialize(record("not avro at all".getBytes()), collector(out));
    schema.deserialize(record(new byte[] {0, 0, 1}), collector(out)); // a truncated frame

    assertThat(out).isEmpty();
  }

  @Test
  void aTombstoneIsSkipped() throws Exception {
    List<ModelVersion> out = new ArrayList<>();

    schema.deserialize(record(null), collector(out));

    assertThat(out).isEmpty();
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>("sieve.models", 0, 42L, "spam".getBytes(), value);
  }

  private static Collector<ModelVersion> collector(List<ModelVersion> out) {
    return new Collector<>() {
      @Override
      public void collect(ModelVersion record) {
        out.add(record);
      }

      @Override
      public void close() {}
    };
  }
}
