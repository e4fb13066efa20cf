package dev.sieve.cli.label;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one labeler joins the labeling queue: where Kafka and the registry are, which share group it
 * works in, the name its labels carry, and how many requests it takes at a time.
 *
 * <p>A person should hold only the request on the screen ({@code maxPollRecords} 1 with {@code
 * recordLimit}), so nothing else waits behind them; a machine labeler takes batches. The lock
 * duration, when given, is a setting of the whole share group (group config {@code
 * share.record.lock.duration.ms}), not of this labeler alone.
 *
 * @param properties Kafka client and registry properties ({@code bootstrap.servers}, {@code
 *     schema.registry.url}, TLS, SASL ...); Sieve's own {@code sieve.*} keys never reach Kafka
 * @param topicPrefix prefix of Sieve's topics, e.g. {@code sieve.}
 * @param groupId the share group, shared by every labeler that splits the same queue
 * @param labeler the name written into each {@code Label}
 * @param maxPollRecords most requests acquired by one poll
 * @param recordLimit acquire exactly up to {@code maxPollRecords} and prefetch nothing ({@code
 *     share.acquire.mode=record_limit}); otherwise whole batches as written
 * @param lockDuration if present, set as the group's acquisition lock duration before the first
 *     poll; the broker bounds it by {@code group.share.min/max.record.lock.duration.ms}
 */
public record QueueSettings(
    Map<String, String> properties,
    String topicPrefix,
    String groupId,
    String labeler,
    int maxPollRecords,
    boolean recordLimit,
    Optional<Duration> lockDuration) {

  /** The share group every labeler joins unless told otherwise. */
  public static final String DEFAULT_GROUP = "sieve-labelers";

  public QueueSettings {
    properties = Map.copyOf(properties);
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("the share group id must not be blank");
    }
    if (labeler == null || labeler.isBlank()) {
      throw new IllegalArgumentException("the labeler name must not be blank");
    }
    if (maxPollRecords < 1) {
      throw new IllegalArgumentException("maxPollRecords must be at least 1");
    }
    Objects.requireNonNull(lockDuration, "lockDuration");
  }

  /** A machine labeler's settings: the default group, batches of up to 100 requests. */
  public static QueueSettings of(
      Map<String, String> properties, String topicPrefix, String labeler) {
    return new QueueSettings(
        properties, topicPrefix, DEFAULT_GROUP, labeler, 100, false, Optional.empty());
  }

  public QueueSettings withGroup(String group) {
    return new QueueSettings(
        properties, topicPrefix, group, labeler, maxPollRecords, recordLimit, lockDuration);
  }

  public QueueSettings withLabeler(String name) {
    return new QueueSettings(
        properties, topicPrefix, groupId, name, maxPollRecords, recordLimit, lockDuration);
  }

  /** Acquire at most {@code n} requests a poll, and (if {@code exact}) no more, no prefetch. */
  public QueueSettings withBatch(int n, boolean exact) {
    return new QueueSettings(properties, topicPrefix, groupId, labeler, n, exact, lockDuration);
  }

  public QueueSettings withLockDuration(Duration duration) {
    return new QueueSettings(
        properties,
        topicPrefix,
        groupId,
        labeler,
        maxPollRecords,
        recordLimit,
        Optional.ofNullable(duration));
  }
}
