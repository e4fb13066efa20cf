package dev.sieve.core.serde;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.registry.SchemaRegistryClient;
import dev.sieve.core.registry.Subjects;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} writing Avro records in the Confluent wire format, a drop-in for
 * Confluent's {@code KafkaAvroSerializer} with specific records. Configure it by class name with
 * {@code schema.registry.url} (and the other registry keys) plus {@code sieve.value.type}, or
 * construct it with a client and a class. Schemas go under {@code <topic>-value} (or {@code
 * <topic>-key}); a null record stays null, so tombstones pass through.
 */
public class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private ConfluentAvroCodec<T> codec;
  private RestSchemaRegistryClient ownClient;
  private boolean isKey;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public ConfluentAvroSerializer() {}

  /** Programmatic use: {@code configure} is then only needed to make it a key serializer. */
  public ConfluentAvroSerializer(SchemaRegistryClient registry, Class<T> type) {
    this.codec = new ConfluentAvroCodec<>(registry, type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (codec == null) {
      ownClient = new RestSchemaRegistryClient(RegistryConfig.fromProperties(configs));
      Class<T> type = SerdeConfig.recordType(configs, isKey);
      codec = new ConfluentAvroCodec<>(ownClient, type, SerdeConfig.autoRegister(configs));
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (codec == null) {
      throw new IllegalStateException("ConfluentAvroSerializer used before configure()");
    }
    return codec.encodeForSubject(Subjects.of(topic, isKey), data);
  }

  @Override
  public void close() {
    if (ownClient != null) {
      ownClient.close();
    }
  }
}
