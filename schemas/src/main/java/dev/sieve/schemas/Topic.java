package dev.sieve.schemas;

import java.util.Objects;

/**
 * One Sieve topic: its name under a deployment prefix, and the Java types of its key and value.
 * Immutable; the constants live in {@link Topics}.
 *
 * @param suffix the name after the prefix, e.g. {@code content.raw}
 * @param keyType type of the record key (content id or classifier name)
 * @param valueType Avro-generated class of the record value
 * @param compacted whether the topic keeps only the latest value per key
 */
public record Topic<K, V>(String suffix, Class<K> keyType, Class<V> valueType, boolean compacted) {

  /** The prefix used when none is configured. */
  public static final String DEFAULT_PREFIX = "sieve.";

  public Topic {
    Objects.requireNonNull(suffix, "suffix");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
  }

  /** The topic name under {@code prefix}, e.g. {@code sieve.content.raw}. */
  public String name(String prefix) {
    return Objects.requireNonNull(prefix, "prefix") + suffix;
  }

  /** The topic name under the default prefix. */
  public String name() {
    return name(DEFAULT_PREFIX);
  }
}
