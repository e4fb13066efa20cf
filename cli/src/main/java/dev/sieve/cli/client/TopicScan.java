package dev.sieve.cli.client;

import dev.sieve.cli.CliException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A bounded read of a topic: every partition from a start offset up to the end offsets taken when
 * the scan starts (with {@code read_committed}, the last stable offsets), so the result is a
 * snapshot and the scan ends even while the jobs keep writing. Gives up with a clear message when
 * no record arrives for a whole timeout.
 */
public final class TopicScan {

  private TopicScan() {}

  public static void read(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> start,
      Duration stallTimeout,
      Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    consumer.assign(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    partitions.forEach(p -> consumer.seek(p, Math.min(start.get(p), end.get(p))));
    long lastProgress = System.nanoTime();
    long position = positions(consumer, partitions);
    while (!caughtUp(consumer, partitions, end)) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          sink.accept(r); // records written after the scan started are left out
        }
      }
      long now = positions(consumer, partitions);
      if (now != position) {
        position = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
        throw new CliException(
            "no progress reading "
                + partitions.get(0).topic()
                + " for "
                + stallTimeout.toSeconds()
                + " s (at offsets "
                + positionsText(consumer, partitions)
                + ", end "
                + end.values()
                + ")");
      }
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<?, ?> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    for (TopicPartition p : partitions) {
      if (consumer.position(p) < end.get(p)) {
        return false;
      }
    }
    return true;
  }

  private static long positions(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
    long sum = 0;
    for (TopicPartition p : partitions) {
      sum += consumer.position(p);
    }
    return sum;
  }

  private static String positionsText(
      KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
    return partitions.stream().map(p -> String.valueOf(consumer.position(p))).toList().toString();
  }
}
