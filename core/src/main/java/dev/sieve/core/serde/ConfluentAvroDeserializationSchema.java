package dev.sieve.core.serde;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink {@link DeserializationSchema} reading Confluent-framed Avro as one generated class, for a
 * {@code KafkaSource} on topics Sieve itself writes. A decode failure fails the task; for input
 * that may be bad (users' topics), read raw bytes and call {@link ConfluentAvroCodec#decode} in a
 * process function that sends {@link AvroDecodeException}s to the dead-letter topic instead.
 *
 * <p>The produced type is Flink's {@code AvroTypeInfo} (from flink-avro), so records travel between
 * operators with Avro's serializer, never Kryo.
 */
public class ConfluentAvroDeserializationSchema<T extends SpecificRecord>
    implements DeserializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final RegistryConfig registry;
  private final Class<T> type;
  private transient ConfluentAvroCodec<T> codec;

  public ConfluentAvroDeserializationSchema(RegistryConfig registry, Class<T> type) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.type = Objects.requireNonNull(type, "type");
  }

  @Override
  public void open(InitializationContext context) {
    codec = new ConfluentAvroCodec<>(new RestSchemaRegistryClient(registry), type);
  }

  @Override
  public T deserialize(byte[] message) {
    if (message == null) {
      return null;
    }
    if (codec == null) {
      open(null);
    }
    return codec.decode(message);
  }

  @Override
  public boolean isEndOfStream(T nextElement) {
    return false;
  }

  /**
   * {@code TypeInformation.of} hands a {@code SpecificRecordBase} class to flink-avro's {@code
   * AvroTypeInfo}; without flink-avro on the classpath it would throw instead.
   */
  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }
}
