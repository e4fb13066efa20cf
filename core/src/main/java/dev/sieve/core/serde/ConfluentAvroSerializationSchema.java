package dev.sieve.core.serde;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Flink {@link SerializationSchema} writing one record class to one topic in the Confluent wire
 * format, for a {@code KafkaSink}'s value serializer. It carries only the serializable {@link
 * RegistryConfig}; each subtask builds its own registry client in {@link #open}, so the schema is
 * registered (or looked up) once per subtask, not per record.
 */
public class ConfluentAvroSerializationSchema<T extends SpecificRecord>
    implements SerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final RegistryConfig registry;
  private final String topic;
  private final Class<T> type;
  private transient ConfluentAvroCodec<T> codec;

  public ConfluentAvroSerializationSchema(RegistryConfig registry, String topic, Class<T> type) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.type = Objects.requireNonNull(type, "type");
  }

  @Override
  public void open(InitializationContext context) {
    codec = new ConfluentAvroCodec<>(new RestSchemaRegistryClient(registry), type);
  }

  @Override
  public byte[] serialize(T element) {
    if (codec == null) {
      // Some callers (tests, wrappers) skip open(); build the codec lazily then.
      open(null);
    }
    return codec.encode(topic, element);
  }
}
