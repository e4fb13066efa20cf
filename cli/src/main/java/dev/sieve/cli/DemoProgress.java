package dev.sieve.cli;

import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches what the jobs write, as a user's consumer would ({@code read_committed}): how many events
 * reached {@code sieve.content}, and how many records the DLQ received, by reason.
 */
final class DemoProgress implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ConfluentAvroCodec<DeadLetter> deadLetters;
  private final String contentTopic;
  private final String dlqTopic;
  private final Map<String, Integer> reasons = new TreeMap<>();
  private final Set<String> acceptedIds = new HashSet<>();
  private int accepted;
  private int rejected;

  DemoProgress(
      String bootstrapServers,
      ConfluentAvroCodec<DeadLetter> deadLetters,
      String contentTopic,
      String dlqTopic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.deadLetters = deadLetters;
    this.contentTopic = contentTopic;
    this.dlqTopic = dlqTopic;
    // assign, not subscribe: a watcher needs no consumer group
    consumer.assign(
        Stream.of(contentTopic, dlqTopic)
            .flatMap(t -> consumer.partitionsFor(t).stream())
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList());
  }

  /** Reads what arrived within {@code wait}. */
  void poll(Duration wait) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
      if (record.topic().equals(contentTopic)) {
        accepted++;
        acceptedIds.add(new String(record.key(), StandardCharsets.UTF_8));
      } else if (record.topic().equals(dlqTopic)) {
        rejected++;
        reasons.merge(deadLetters.decode(record.value()).getReason(), 1, Integer::sum);
      }
    }
  }

  int accepted() {
    return accepted;
  }

  /** Distinct content ids among the accepted events: equal to {@link #accepted()} unless ids repeat. */
  int distinctAccepted() {
    return acceptedIds.size();
  }

  int rejected() {
    return rejected;
  }

  /** Dead letters by reason code, e.g. {@code {EMPTY_TEXT=1, NOT_AVRO_OR_JSON=1}}. */
  Map<String, Integer> reasons() {
    return Collections.unmodifiableMap(new TreeMap<>(reasons));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
