package dev.sieve.cli;

import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.schemas.ModelVersion;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the compacted {@code sieve.models} topic once: every partition from its beginning to the
 * end offsets taken at the start (read_committed, so the last stable offsets), with a consumer that
 * has no group (assign, never subscribe; nothing is committed). Undecodable records are skipped
 * with a warning; a registry outage fails the read instead, since skipping would hide versions.
 */
final class ModelsTopicReader {

  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private ModelsTopicReader() {}

  static ModelCatalog read(
      Map<String, Object> kafkaProperties,
      String topic,
      Function<byte[], ModelVersion> decoder,
      PrintWriter err) {
    Map<String, Object> props = new HashMap<>(kafkaProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    ModelCatalog catalog = new ModelCatalog();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos == null || infos.isEmpty()) {
        throw new CliException(
            "topic " + topic + " does not exist (create it with: sieve topics --create)");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!caughtUp(consumer, partitions, end)) {
        if (System.nanoTime() > deadline) {
          throw new CliException(
              "timed out after "
                  + READ_TIMEOUT.toSeconds()
                  + " s reading "
                  + topic
                  + " to its end");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue; // written after the scan started
          }
          if (r.value() == null) {
            catalog.skipped(); // a tombstone: nothing to list
            continue;
          }
          try {
            catalog.add(decoder.apply(r.value()));
          } catch (AvroDecodeException e) {
            catalog.skipped();
            err.printf(
                "warning: skipped %s partition %d offset %d: cannot decode a ModelVersion (%s)%n",
                r.topic(), r.partition(), r.offset(), e.getMessage());
          }
        }
      }
    }
    return catalog;
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
}
