package dev.sieve.core.registry;

/**
 * Subject names after Confluent's default {@code TopicNameStrategy}: the value schema of topic
 * {@code t} lives under {@code t-value} and its key schema under {@code t-key}. Sieve uses this
 * strategy only, so that Confluent's own serializers and Sieve's agree on where schemas live.
 */
public final class Subjects {

  private Subjects() {}

  /** The subject of the value schema of {@code topic}: {@code <topic>-value}. */
  public static String value(String topic) {
    return requireTopic(topic) + "-value";
  }

  /** The subject of the key schema of {@code topic}: {@code <topic>-key}. */
  public static String key(String topic) {
    return requireTopic(topic) + "-key";
  }

  /** The subject of {@code topic}'s key or value schema. */
  public static String of(String topic, boolean isKey) {
    return isKey ? key(topic) : value(topic);
  }

  private static String requireTopic(String topic) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be null or blank");
    }
    return topic;
  }
}
