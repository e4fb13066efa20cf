package dev.sieve.cli.client;

import dev.sieve.cli.BrokerWatch;
import dev.sieve.cli.CliException;
import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SieveClients;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sieve tail <topic>}: follows one of Sieve's topics as a user's consumer would ({@code
 * read_committed}, no consumer group, nothing committed), one readable line or one JSON object per
 * record. A record that cannot be decoded gets a one-line note on stderr and the tail goes on;
 * Ctrl-C ends it cleanly.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Follow a Sieve topic, one line per record (Avro decoded through the registry).",
      "Topics: predictions, requests, labels, labelled, drift, drift-windows, models, accuracy,"
          + " dlq, content,"
          + " raw, labels-dlq, alerts, retrain.",
      "Starts at the end (new records only) unless --from-beginning; Ctrl-C stops."
    })
public final class TailCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofMillis(500);

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Parameters(
      index = "0",
      paramLabel = "<topic>",
      completionCandidates = TopicNames.class,
      description = "One of: ${COMPLETION-CANDIDATES}.")
  String topicName;

  @Option(names = "--from-beginning", description = "Start at the oldest record still kept.")
  boolean fromBeginning;

  @Option(
      names = "--classifier",
      paramLabel = "<name>",
      description = "Only records about this classifier.")
  String classifier;

  @Option(
      names = "--max",
      paramLabel = "<n>",
      description = "Stop after showing n records (undecodable ones are noted, not counted).")
  Long max;

  @Option(names = "--json", description = "One JSON object per record instead of a readable line.")
  boolean json;

  @Override
  public Integer call() {
    return ClientCommand.reportingFailures(spec, this::run);
  }

  private int run(PrintWriter out, PrintWriter err) {
    TailTopic<?> target = target(topicName, classifier);
    if (max != null && max < 1) {
      throw new CliException("--max must be at least 1, got " + max);
    }
    try (SieveClients clients = new SieveClients(connection);
        KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
      String topic = clients.topic(target.topic());
      List<TopicPartition> partitions = clients.partitions(consumer, topic);
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      try {
        partitions.forEach(consumer::position); // "the end" is now, not at the first poll
      } catch (TimeoutException e) {
        throw clients.unreachable();
      }
      Decoder decoder = new Decoder(target, clients.codec(target.type()));
      // The consumer reconnects by itself (and waits quietly meanwhile); this only says so.
      BrokerWatch broker = new BrokerWatch(clients.bootstrapServers(), err::println);
      long seen = 0;
      try (StopSignal stop = new StopSignal(consumer::wakeup)) {
        try {
          while (!stop.stopped() && (max == null || seen < max)) {
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
            broker.observe(consumer.metrics());
            Iterator<ConsumerRecord<byte[], byte[]>> records = polled.iterator();
            while (records.hasNext() && (max == null || seen < max)) {
              seen += show(records.next(), target, decoder, out, err);
            }
            out.flush();
            err.flush();
          }
        } catch (WakeupException ctrlC) {
          // Ctrl-C: end quietly, like any tail
        }
        out.flush();
        err.flush();
      }
    }
    return 0;
  }

  /** Prints one record or a note about it; returns 1 if a record was shown (for --max). */
  private int show(
      ConsumerRecord<byte[], byte[]> r,
      TailTopic<?> target,
      Decoder decoder,
      PrintWriter out,
      PrintWriter err) {
    SpecificRecord value;
    try {
      value = decoder.decode(r.value());
    } catch (Undecodable e) {
      err.printf(
          "! %s partition %d offset %d: %s; skipped%n",
          r.topic(), r.partition(), r.offset(), e.getMessage());
      return 0;
    }
    if (classifier != null && !classifier.equals(target.classifierOf(value))) {
      return 0;
    }
    out.println(json ? AvroJson.toJson(value) : target.lineOf(value));
    return 1;
  }

  /** The topic named, checking that --classifier applies to it. */
  static TailTopic<?> target(String name, String classifier) {
    TailTopic<?> target = TailTopic.ALL.get(name);
    if (target == null) {
      throw new CliException(
          "unknown topic '" + name + "'; one of: " + String.join(", ", TailTopic.ALL.keySet()));
    }
    if (classifier != null && target.classifier() == null) {
      throw new CliException("--classifier does not apply to " + name + ": its records have none");
    }
    return target;
  }

  /** Why a record could not be shown. */
  static final class Undecodable extends Exception {
    private static final long serialVersionUID = 1L;

    Undecodable(String message) {
      super(message);
    }
  }

  /** Decodes a value as the topic's record type (or, on sieve.content.raw, also from JSON). */
  static final class Decoder {
    private final TailTopic<?> target;
    private final ConfluentAvroCodec<? extends SpecificRecord> codec;

    Decoder(TailTopic<?> target, ConfluentAvroCodec<? extends SpecificRecord> codec) {
      this.target = target;
      this.codec = codec;
    }

    SpecificRecord decode(byte[] value) throws Undecodable {
      if (value == null) {
        throw new Undecodable("a tombstone (null value)");
      }
      if (target.json() && value.length > 0 && value[0] != 0) {
        ContentLine.Parsed parsed = ContentLine.parse(new String(value, StandardCharsets.UTF_8));
        if (!parsed.ok()) {
          throw new Undecodable("neither Avro nor a JSON content event: " + parsed.problem());
        }
        return parsed.event();
      }
      try {
        return codec.decode(value);
      } catch (AvroDecodeException e) {
        throw new Undecodable(
            "cannot decode as " + target.type().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  /** The short topic names, for --help and shell completion. */
  static final class TopicNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return TailTopic.ALL.keySet().iterator();
    }
  }
}
