package dev.sieve.cli.status;

import dev.sieve.cli.SieveClients;
import dev.sieve.cli.client.TopicScan;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads the five topics behind the classifier lines once each, from the beginning to the end
 * offsets taken when the scan starts ({@link TopicScan}): {@code sieve.models}, {@code
 * sieve.models.alerts}, {@code sieve.accuracy} and {@code sieve.drift}; of {@code
 * sieve.drift.windows}, only the newest {@value #WINDOWS_PER_PARTITION} records of each partition.
 * A missing topic is a warning (an older deployment, or a wrong prefix), an undecodable record is
 * counted and skipped with a warning, and a registry that does not answer fails the command, since
 * skipping every record would show a wrong status.
 */
final class StatusTopics {

  private StatusTopics() {}

  static ClassifierStatus read(SieveClients clients, PrintWriter err) {
    ClassifierStatus status = new ClassifierStatus();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
      scan(consumer, clients, Topics.MODELS, ModelVersion.class, status::add, err);
      scan(consumer, clients, Topics.MODEL_ALERTS, ModelAlert.class, status::add, err);
      scan(consumer, clients, Topics.ACCURACY, LiveAccuracy.class, status::add, err);
      scan(consumer, clients, Topics.DRIFT, DriftAlert.class, status::add, err);
      scan(
          consumer,
          clients,
          Topics.DRIFT_WINDOWS,
          DriftWindow.class,
          status::add,
          err,
          WINDOWS_PER_PARTITION);
    }
    return status;
  }

  /**
   * Only the newest records of {@code sieve.drift.windows} are read, this many per partition: the
   * last window of each detector of each classifier is among them unless hundreds of classifiers
   * share a partition (three windowed detectors, one record each per window).
   */
  static final int WINDOWS_PER_PARTITION = 600;

  private static <T extends SpecificRecord> void scan(
      KafkaConsumer<byte[], byte[]> consumer,
      SieveClients clients,
      Topic<String, ?> topic,
      Class<T> type,
      Consumer<T> sink,
      PrintWriter err) {
    scan(consumer, clients, topic, type, sink, err, Long.MAX_VALUE);
  }

  /** Reads the last {@code newest} records of each partition (all with {@code Long.MAX_VALUE}). */
  private static <T extends SpecificRecord> void scan(
      KafkaConsumer<byte[], byte[]> consumer,
      SieveClients clients,
      Topic<String, ?> topic,
      Class<T> type,
      Consumer<T> sink,
      PrintWriter err,
      long newest) {
    String name = clients.topic(topic);
    List<TopicPartition> partitions = partitions(consumer, name, clients);
    if (partitions.isEmpty()) {
      err.println("warning: " + name + " does not exist (create it with: sieve topics --create)");
      return;
    }
    ConfluentAvroCodec<T> codec = clients.codec(type);
    Skipped skipped = new Skipped();
    try {
      TopicScan.read(
          consumer,
          partitions,
          start(consumer, partitions, clients, newest),
          clients.timeout(),
          r -> {
            if (r.value() == null) {
              return; // a tombstone
            }
            try {
              sink.accept(codec.decode(r.value()));
            } catch (AvroDecodeException e) {
              skipped.add(r, e);
            }
          });
    } catch (TimeoutException e) {
      throw clients.unreachable();
    }
    skipped.warn(name, err);
  }

  private static Map<TopicPartition, Long> start(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      SieveClients clients,
      long newest) {
    Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, clients.timeout());
    if (newest == Long.MAX_VALUE) {
      return beginning;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, clients.timeout());
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition p : partitions) {
      start.put(p, Math.max(beginning.get(p), end.get(p) - newest));
    }
    return start;
  }

  /** Records that could not be decoded: counted, and the first one described. */
  private static final class Skipped {
    private long count;
    private String first;

    void add(ConsumerRecord<byte[], byte[]> r, AvroDecodeException e) {
      if (count++ == 0) {
        first = "partition " + r.partition() + " offset " + r.offset() + ": " + e.getMessage();
      }
    }

    void warn(String topic, PrintWriter err) {
      if (count > 0) {
        err.printf(
            "warning: skipped %d record(s) on %s that could not be decoded (first: %s)%n",
            count, topic, first);
      }
    }
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic, SieveClients clients) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, clients.timeout());
    } catch (TimeoutException e) {
      throw clients.unreachable();
    }
    return infos == null
        ? List.of()
        : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
  }
}
