package dev.sieve.inference.io;

import dev.sieve.inference.functions.LastModelOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@link LastModelOffsets} of a Kafka topic, found with a short-lived {@code read_committed}
 * consumer (no group, nothing committed): it takes the end offsets, then reads the partitions up to
 * them and keeps the offset of the last record each one delivered. Reading rather than computing
 * "end offset - 1" is what makes it exact on a topic written by an exactly-once producer, whose log
 * ends with a commit marker. The models topic is compacted and small (a few KB per classifier), so
 * the read costs about what the job's own model reader reads anyway. Everything is bounded by
 * {@code timeout}; past it the lookup fails with a message naming the topic, and Flink restarts the
 * task.
 *
 * @param kafka the job's Kafka client properties (bootstrap servers, TLS, SASL…)
 * @param topic the models topic
 * @param timeout upper bound on the whole lookup
 */
public record KafkaLastOffsets(Properties kafka, String topic, Duration timeout)
    implements LastModelOffsets {

  private static final long serialVersionUID = 1L;

  public KafkaLastOffsets {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public Map<Integer, Long> fetch() {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // like the source
    props.putAll(kafka);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), never commit
    props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, topic + "-last-offsets");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, remaining(deadline));
      List<TopicPartition> toRead = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        if (end.get(tp) > begin.get(tp)) {
          toRead.add(tp);
        }
      }
      Map<Integer, Long> last = new HashMap<>();
      consumer.assign(toRead);
      consumer.seekToBeginning(toRead);
      while (!toRead.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " to its end offsets " + end + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(topic, r.partition()))) {
            last.merge(r.partition(), r.offset(), Math::max);
          }
        }
        // The position passes transaction markers and aborted records, which poll() never returns.
        toRead.removeIf(tp -> consumer.position(tp, remaining(deadline)) >= end.get(tp));
      }
      return last;
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "cannot find where " + topic + " ends within " + timeout + ": " + e.getMessage(), e);
    }
  }

  private Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000L));
  }
}
