package dev.sieve.core.serde;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} reading Confluent-framed Avro as one generated class, resolving the
 * writer schema (fetched by id) against it. Configured like {@link ConfluentAvroSerializer}. Bad
 * bytes throw {@link AvroDecodeException}, which the consumer reports as a {@code
 * RecordDeserializationException} naming the partition and offset; null bytes give null.
 */
public class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private ConfluentAvroCodec<T> codec;
  private RestSchemaRegistryClient ownClient;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public ConfluentAvroDeserializer() {}

  /** Programmatic use; no {@code configure} needed. */
  public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.codec = new ConfluentAvroCodec<>(registry, type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (codec == null) {
      ownClient = new RestSchemaRegistryClient(RegistryConfig.fromProperties(configs));
      codec = new ConfluentAvroCodec<>(ownClient, SerdeConfig.recordType(configs, isKey));
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (codec == null) {
      throw new IllegalStateException("ConfluentAvroDeserializer used before configure()");
    }
    return codec.decode(data);
  }

  @Override
  public void close() {
    if (ownClient != null) {
      ownClient.close();
    }
  }
}
