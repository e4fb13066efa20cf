package dev.sieve.cli.report;

import dev.sieve.cli.CliException;
import dev.sieve.cli.SieveClients;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * Reads Sieve's topics once into a {@link ReportData}: every partition from its beginning to the
 * end offset taken when the read starts (read_committed, so the last stable offset), with a
 * consumer that has no group (assign, never subscribe; nothing is committed). Values are decoded as
 * Confluent-framed Avro through the registry. A record that cannot be decoded is counted on its
 * topic with the reason and skipped; a topic that does not exist is reported as absent. A registry
 * outage fails the read, since skipping would quietly empty the report.
 *
 * <p>One consumer is assigned every topic at once rather than scanning them one after another: the
 * report reads eleven topics, and a single fetch loop keeps them all moving.
 */
public final class ReportReader {

  /** The read fails when no partition has moved for this long (or the --timeout, if longer). */
  static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  private final SieveClients clients;
  private final String prefix;

  /**
   * @param clients the command's Kafka and registry clients (TLS, SASL and timeout included)
   * @param prefix the deployment's topic prefix, e.g. {@code sieve.}
   */
  public ReportReader(SieveClients clients, String prefix) {
    this.clients = clients;
    this.prefix = prefix;
  }

  public ReportData read() {
    ReportData data = new ReportData(prefix);
    Map<String, Handler> handlers = handlers(data);
    Duration stallTimeout =
        STALL_TIMEOUT.compareTo(clients.timeout()) >= 0 ? STALL_TIMEOUT : clients.timeout();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Handler h : handlers.values()) {
        List<PartitionInfo> infos;
        try {
          infos = consumer.partitionsFor(h.name(), clients.timeout());
        } catch (TimeoutException e) {
          throw clients.unreachable();
        }
        if (infos == null || infos.isEmpty()) {
          h.stats().absent();
          continue;
        }
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      }
      if (partitions.isEmpty()) {
        return data;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<TopicPartition> pending = new ArrayList<>(partitions);
      Map<TopicPartition, Long> positions = new HashMap<>();
      long lastProgress = System.nanoTime();
      while (true) {
        for (TopicPartition p : List.copyOf(pending)) {
          long position = consumer.position(p);
          if (position >= end.get(p)) {
            pending.remove(p);
            consumer.pause(List.of(p)); // records written after the start are not in the report
          } else if (!Long.valueOf(position).equals(positions.put(p, position))) {
            lastProgress = System.nanoTime();
          }
        }
        if (pending.isEmpty()) {
          return data;
        }
        if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
          throw new CliException(
              "no progress for "
                  + stallTimeout.toSeconds()
                  + " s reading "
                  + pending
                  + " up to the end offsets taken at the start");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            handlers.get(r.topic()).accept(r);
          }
        }
      }
    }
  }

  /** What to do with the records of each topic, keyed by topic name, in the page's order. */
  private Map<String, Handler> handlers(ReportData data) {
    Map<String, Handler> handlers = new LinkedHashMap<>();
    counted(handlers, data, Topics.CONTENT_RAW);
    counted(handlers, data, Topics.CONTENT);
    decoded(handlers, data, Topics.PREDICTIONS, data::add);
    decoded(handlers, data, Topics.LABELING_REQUESTS, data::add);
    decoded(handlers, data, Topics.LABELS, data::add);
    decoded(handlers, data, Topics.LABELLED, data::add);
    decoded(handlers, data, Topics.ACCURACY, data::add);
    decoded(handlers, data, Topics.MODELS, data::add);
    decoded(handlers, data, Topics.DRIFT, data::add);
    decoded(handlers, data, Topics.DRIFT_WINDOWS, data::add);
    decoded(handlers, data, Topics.CONTENT_DLQ, d -> data.addDeadLetter(Topics.CONTENT_DLQ, d));
    decoded(handlers, data, Topics.LABELS_DLQ, d -> data.addDeadLetter(Topics.LABELS_DLQ, d));
    return handlers;
  }

  /** A topic whose records are only counted (content: big, and the report needs no text). */
  private void counted(Map<String, Handler> handlers, ReportData data, Topic<String, ?> topic) {
    String name = topic.name(prefix);
    handlers.put(name, new Handler(name, data.source(topic), r -> {}));
  }

  private <T extends SpecificRecord> void decoded(
      Map<String, Handler> handlers, ReportData data, Topic<String, T> topic, Consumer<T> sink) {
    ConfluentAvroCodec<T> codec = clients.codec(topic.valueType());
    SourceStats stats = data.source(topic);
    String name = topic.name(prefix);
    handlers.put(
        name,
        new Handler(
            name,
            stats,
            r -> {
              try {
                sink.accept(codec.decode(r.value()));
              } catch (AvroDecodeException e) {
                stats.undecodable(
                    e.reason().name(),
                    "partition " + r.partition() + " offset " + r.offset() + ": " + e.getMessage());
              }
            }));
  }

  /** One topic's statistics and what decodes and aggregates a non-null value of it. */
  private record Handler(
      String name, SourceStats stats, Consumer<ConsumerRecord<byte[], byte[]>> onValue) {

    void accept(ConsumerRecord<byte[], byte[]> r) {
      stats.record();
      if (r.value() == null) {
        stats.tombstone();
      } else {
        onValue.accept(r);
      }
    }
  }
}
