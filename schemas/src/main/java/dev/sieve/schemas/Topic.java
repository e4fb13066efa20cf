package dev.sieve.schemas;

import java.util.Map;
import java.util.Objects;

/**
 * One Sieve topic: its name under a deployment prefix, and the Java types of its key and value.
 * Immutable; the constants live in {@link Topics}.
 *
 * @param suffix the name after the prefix, e.g. {@code content.raw}
 * @param keyType type of the record key (content id or classifier name)
 * @param valueType Avro-generated class of the record value
 * @param retention how long the topic keeps its records
 */
public record Topic<K, V>(
    String suffix, Class<K> keyType, Class<V> valueType, Retention retention) {

  /** How long a topic keeps its records; {@link #configs()} says it in Kafka's topic configs. */
  public enum Retention {
    /** The broker's default time-based retention (7 days unless the broker says otherwise). */
    BROKER_DEFAULT,
    /** Only the latest value per key is kept, for as long as the topic exists. */
    COMPACTED,
    /** Every record is kept for as long as the topic exists: what people paid for. */
    FOREVER
  }

  /** The prefix used when none is configured. */
  public static final String DEFAULT_PREFIX = "sieve.";

  public Topic {
    Objects.requireNonNull(suffix, "suffix");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(retention, "retention");
  }

  /** Whether the topic keeps only the latest value per key. */
  public boolean compacted() {
    return retention == Retention.COMPACTED;
  }

  /** The topic configs that give it its {@link #retention()}, to set when the topic is created. */
  public Map<String, String> configs() {
    return switch (retention) {
      case BROKER_DEFAULT -> Map.of();
      case COMPACTED -> Map.of("cleanup.policy", "compact");
      case FOREVER -> Map.of("retention.ms", "-1");
    };
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
