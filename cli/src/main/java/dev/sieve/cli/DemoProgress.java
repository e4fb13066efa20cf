package dev.sieve.cli;

import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
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
 * reached {@code sieve.content}, how many records the DLQ received (by reason), and how many
 * predictions came out, with their accuracy against the demo corpus's own labels.
 */
final class DemoProgress implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ConfluentAvroCodec<DeadLetter> deadLetters;
  private final ConfluentAvroCodec<Prediction> predictionCodec;
  private final Map<String, String> truth;
  private final String contentTopic;
  private final String dlqTopic;
  private final String predictionTopic;
  private final Map<String, String> predicted = new HashMap<>();
  private int predictions;
  private final Map<String, Integer> reasons = new TreeMap<>();
  private final Set<String> acceptedIds = new HashSet<>();
  private int accepted;
  private int rejected;

  DemoProgress(
      String bootstrapServers,
      ConfluentAvroCodec<DeadLetter> deadLetters,
      ConfluentAvroCodec<Prediction> predictionCodec,
      Map<String, String> truth,
      String prefix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.deadLetters = deadLetters;
    this.predictionCodec = predictionCodec;
    this.truth = truth;
    this.contentTopic = Topics.CONTENT.name(prefix);
    this.dlqTopic = Topics.CONTENT_DLQ.name(prefix);
    this.predictionTopic = Topics.PREDICTIONS.name(prefix);
    // assign, not subscribe: a watcher needs no consumer group
    consumer.assign(
        Stream.of(contentTopic, dlqTopic, predictionTopic)
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
      } else {
        Prediction p = predictionCodec.decode(record.value());
        predictions++;
        predicted.put(p.getContentId(), p.getLabel());
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

  int predictions() {
    return predictions;
  }

  /** Share of predicted events whose label matches the corpus label (NaN before any). */
  double accuracy() {
    long right = predicted.entrySet().stream().filter(e -> e.getValue().equals(truth.get(e.getKey()))).count();
    return predicted.isEmpty() ? Double.NaN : (double) right / predicted.size();
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
