package dev.sieve.cli.label;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many label requests a share group has left, for the labeler's progress line.
 *
 * <p>Kafka 4.2 reports a share-partition's <i>lag</i> (KIP-1226): the records between its start
 * offset and the end of the partition that are not yet delivered for good (acknowledged or
 * archived). Requests another labeler holds right now count as left. When the broker has no lag to
 * report (a group whose state was never written, or an older broker), the count is end offset minus
 * the share-partition start offset, an upper bound: it also counts answered requests above the
 * start offset. A partition the group has not started yet counts from its earliest offset, since
 * Sieve's groups start at the earliest request.
 */
public final class QueueBacklog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueueBacklog.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Admin admin;
  private final String groupId;
  private final String topic;
  private List<TopicPartition> partitions;

  public QueueBacklog(Admin admin, String groupId, String topic) {
    this.admin = admin;
    this.groupId = groupId;
    this.topic = topic;
  }

  /**
   * Requests left in the queue.
   *
   * @param requests how many
   * @param exact false when at least one partition was estimated from offsets (an upper bound)
   */
  public record Backlog(long requests, boolean exact) {

    /** {@code 12} or {@code ≤12}. */
    public String describe() {
      return (exact ? "" : "≤") + requests;
    }
  }

  /** The backlog now, or empty when Kafka did not answer in time (the labeler goes on). */
  public Optional<Backlog> measure() {
    try {
      List<TopicPartition> tps = partitions();
      Map<TopicPartition, SharePartitionOffsetInfo> group =
          admin
              .listShareGroupOffsets(
                  Map.of(groupId, new ListShareGroupOffsetsSpec().topicPartitions(tps)))
              .partitionsToOffsetInfo(groupId)
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(tps, OffsetSpec.latest());
      Map<TopicPartition, ListOffsetsResultInfo> starts = null;
      long left = 0;
      boolean exact = true;
      for (TopicPartition tp : tps) {
        long end = ends.get(tp).offset();
        SharePartitionOffsetInfo info = group.get(tp);
        if (info != null && info.lag().isPresent() && info.lag().get() >= 0) {
          left += info.lag().get();
        } else if (info != null && info.startOffset() >= 0) {
          left += Math.max(0, end - info.startOffset());
          exact = false;
        } else {
          if (starts == null) {
            starts = offsets(tps, OffsetSpec.earliest());
          }
          left += Math.max(0, end - starts.get(tp).offset());
        }
      }
      return Optional.of(new Backlog(left, exact));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      // ExecutionException, TimeoutException, or a missing topic: the progress line shows "?".
      LOG.debug("cannot measure the backlog of share group {}", groupId, e);
      return Optional.empty();
    }
  }

  private List<TopicPartition> partitions() throws Exception {
    if (partitions == null) {
      partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
    }
    return partitions;
  }

  private Map<TopicPartition, ListOffsetsResultInfo> offsets(
      List<TopicPartition> tps, OffsetSpec spec) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    tps.forEach(tp -> request.put(tp, spec));
    return admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
