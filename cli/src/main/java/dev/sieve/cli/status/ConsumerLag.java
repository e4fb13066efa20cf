package dev.sieve.cli.status;

import dev.sieve.cli.CliException;
import dev.sieve.cli.SieveClients;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How far each job's consumer group is behind on each input topic: per partition, the end offset
 * (the last stable offset, as the jobs read {@code read_committed}) minus the offset the group
 * committed, summed over the topic's partitions. The jobs commit on each completed checkpoint, so
 * the figure is as of the last checkpoint, and it counts transaction markers as well as records. A
 * partition without a committed offset counts from its earliest offset, where a new job starts.
 */
final class ConsumerLag {

  /**
   * One job's lag on one topic.
   *
   * @param lag records (and transaction markers) behind, or -1 when the topic does not exist
   * @param committed whether the group has committed an offset on any partition of the topic
   */
  record Row(String job, String group, String topic, long lag, boolean committed) {}

  private ConsumerLag() {}

  static List<Row> measure(Admin admin, SieveClients clients, String prefix) {
    try {
      Map<String, List<TopicPartition>> partitions = partitions(admin, clients, prefix);
      List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          offsets(admin, clients, all, OffsetSpec.latest());
      Map<TopicPartition, ListOffsetsResultInfo> starts =
          offsets(admin, clients, all, OffsetSpec.earliest());
      List<Row> rows = new ArrayList<>();
      for (JobInputs job : JobInputs.ALL) {
        String group = job.group(prefix);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, clients, group);
        for (var input : job.topics()) {
          String topic = input.name(prefix);
          List<TopicPartition> tps = partitions.get(topic);
          if (tps == null) {
            rows.add(new Row(job.job(), group, topic, -1, false));
            continue;
          }
          long lag = 0;
          boolean any = false;
          for (TopicPartition tp : tps) {
            OffsetAndMetadata c = committed.get(tp);
            any |= c != null;
            long from = c != null ? c.offset() : starts.get(tp).offset();
            lag += Math.max(0, ends.get(tp).offset() - from);
          }
          rows.add(new Row(job.job(), group, topic, lag, any));
        }
      }
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw clients.unreachable();
    } catch (TimeoutException e) {
      throw clients.unreachable();
    }
  }

  /** The partitions of every input topic that exists, by topic name. */
  private static Map<String, List<TopicPartition>> partitions(
      Admin admin, SieveClients clients, String prefix)
      throws InterruptedException, TimeoutException {
    List<String> topics =
        JobInputs.ALL.stream()
            .flatMap(j -> j.topics().stream())
            .map(t -> t.name(prefix))
            .distinct()
            .toList();
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(topics).topicNameValues();
    Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
    for (String topic : topics) {
      try {
        TopicDescription d = wait(described.get(topic), clients);
        out.put(
            topic,
            d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new CliException("cannot describe " + topic + ": " + e.getCause().getMessage());
        }
      }
    }
    return out;
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(
      Admin admin, SieveClients clients, String group)
      throws InterruptedException, TimeoutException {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          wait(
              admin
                  .listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                  .partitionsToOffsetAndMetadata(group),
              clients);
      Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (o != null) {
              out.put(tp, o);
            }
          });
      return out;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of(); // the job has never committed: it did not complete a checkpoint yet
      }
      throw new CliException(
          "cannot read the offsets of consumer group " + group + ": " + e.getCause().getMessage());
    }
  }

  private static Map<TopicPartition, ListOffsetsResultInfo> offsets(
      Admin admin, SieveClients clients, List<TopicPartition> tps, OffsetSpec spec)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    tps.forEach(tp -> request.put(tp, spec));
    try {
      return wait(
          admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
          clients);
    } catch (ExecutionException e) {
      throw new CliException("cannot list offsets: " + e.getCause().getMessage());
    }
  }

  /** The future's value; a Kafka timeout inside it is the cluster not answering. */
  private static <T> T wait(KafkaFuture<T> future, SieveClients clients)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return future.get(clients.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw clients.unreachable();
      }
      throw e;
    }
  }
}
