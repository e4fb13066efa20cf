package dev.sieve.core.kafka;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Adapts a {@link RecordKey} to the {@link SerializationSchema} a Kafka sink takes for keys. */
final class KeySerializationSchema<T> implements SerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final RecordKey<T> key;

  KeySerializationSchema(RecordKey<T> key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  @Override
  public byte[] serialize(T element) {
    return key.keyOf(element);
  }
}
