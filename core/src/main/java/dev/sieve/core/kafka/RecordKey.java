package dev.sieve.core.kafka;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * How a sink computes the Kafka key bytes of a record (null for no key). Serializable, so that a
 * method reference such as {@code RecordKey.utf8(ContentEvent::getId)} can travel inside a sink.
 */
@FunctionalInterface
public interface RecordKey<T> extends Serializable {

  /** The key bytes of {@code record}, or null for a record without a key. */
  byte[] keyOf(T record);

  /** A key that is the UTF-8 bytes of a string field; a null string gives a null key. */
  static <T> RecordKey<T> utf8(SerializableFunction<T, String> field) {
    return record -> {
      String key = field.apply(record);
      return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    };
  }

  /** A {@link Function} that is {@link Serializable}. */
  @FunctionalInterface
  interface SerializableFunction<T, R> extends Function<T, R>, Serializable {}
}
