package dev.sieve.cli.client;

import dev.sieve.cli.CliException;
import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SieveClients;
import dev.sieve.core.config.Durations;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve stats}: what the classifiers have been doing, read from {@code sieve.predictions} (a
 * recent window, or everything) and {@code sieve.accuracy} (the latest live accuracy of each model
 * version): predictions, class frequencies, the low-confidence rate, mean confidence, the serving
 * versions and live accuracy from human labels.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Per classifier: predictions, class frequencies, low-confidence rate, mean confidence,"
          + " serving versions, and live accuracy from human labels.",
      "Reads sieve.predictions (the last --window, or --from-beginning) and sieve.accuracy."
    })
public final class StatsCommand implements Callable<Integer> {

  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(names = "--classifier", paramLabel = "<name>", description = "Only this classifier.")
  String classifier;

  @Option(
      names = "--window",
      paramLabel = "<duration>",
      converter = ConnectionOptions.DurationConverter.class,
      description = "Predictions written within this long, e.g. 10m, 2h, 1d (default: 10m).")
  Duration window;

  @Option(names = "--from-beginning", description = "Every prediction still on the topic.")
  boolean fromBeginning;

  @Option(
      names = "--low-confidence",
      paramLabel = "<p>",
      defaultValue = "0.6",
      description =
          "A prediction below this confidence is low-confidence (default: ${DEFAULT-VALUE}).")
  double lowConfidence;

  @Override
  public Integer call() {
    return ClientCommand.reportingFailures(spec, this::run);
  }

  private int run(PrintWriter out, PrintWriter err) {
    if (fromBeginning && window != null) {
      throw new CliException("give either --window or --from-beginning, not both");
    }
    PredictionStats stats = new PredictionStats(lowConfidence, classifier);
    long from = fromBeginning ? -1 : System.currentTimeMillis() - windowOrDefault().toMillis();
    try (SieveClients clients = new SieveClients(connection);
        KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
      String predictionsTopic = clients.topic(Topics.PREDICTIONS);
      List<TopicPartition> partitions = clients.partitions(consumer, predictionsTopic);
      Skips skips = new Skips(predictionsTopic);
      ConfluentAvroCodec<Prediction> predictions = clients.codec(Prediction.class);
      TopicScan.read(
          consumer,
          partitions,
          startOffsets(consumer, partitions, from, clients),
          clients.timeout(),
          r -> {
            if (r.timestamp() >= from) {
              skips.decode(r, predictions, stats::add);
            }
          });
      skips.warn(err);

      String accuracyTopic = clients.topic(Topics.ACCURACY);
      List<TopicPartition> accuracyPartitions = partitionsIfAny(consumer, accuracyTopic, clients);
      if (accuracyPartitions.isEmpty()) {
        err.println("warning: " + accuracyTopic + " does not exist: no live accuracy to show");
      } else {
        Skips accuracySkips = new Skips(accuracyTopic);
        ConfluentAvroCodec<LiveAccuracy> accuracy = clients.codec(LiveAccuracy.class);
        TopicScan.read(
            consumer,
            accuracyPartitions,
            consumer.beginningOffsets(accuracyPartitions),
            clients.timeout(),
            r -> accuracySkips.decode(r, accuracy, stats::add));
        accuracySkips.warn(err);
      }
      out.println(header(predictionsTopic, from, stats));
      if (!stats.classifiers().isEmpty()) {
        out.println();
        out.print(StatsReport.render(stats));
      }
    }
    return 0;
  }

  private Duration windowOrDefault() {
    return window == null ? DEFAULT_WINDOW : window;
  }

  private String header(String topic, long from, PredictionStats stats) {
    String scope =
        from < 0
            ? "from the beginning"
            : "in the last "
                + Durations.format(windowOrDefault())
                + " (since "
                + UTC.format(Instant.ofEpochMilli(from))
                + ")";
    return String.format(
        Locale.ROOT,
        "%s %s: %,d prediction%s%s",
        topic,
        scope,
        stats.predictions(),
        stats.predictions() == 1 ? "" : "s",
        classifier == null ? "" : " of classifier '" + classifier + "'");
  }

  /** The first offset at or after {@code from} in each partition (the end when there is none). */
  private static Map<TopicPartition, Long> startOffsets(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      long from,
      SieveClients clients) {
    try {
      if (from < 0) {
        return consumer.beginningOffsets(partitions, clients.timeout());
      }
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(p -> query.put(p, from));
      Map<TopicPartition, OffsetAndTimestamp> found =
          consumer.offsetsForTimes(query, clients.timeout());
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, clients.timeout());
      Map<TopicPartition, Long> start = new HashMap<>();
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp at = found.get(p);
        start.put(p, at == null ? end.get(p) : at.offset());
      }
      return start;
    } catch (TimeoutException e) {
      throw clients.unreachable();
    }
  }

  /** The topic's partitions, or none when it does not exist (an older deployment). */
  private static List<TopicPartition> partitionsIfAny(
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

  /** Records that could not be decoded: counted, and the first one described. */
  private static final class Skips {
    private final String topic;
    private long count;
    private String first;

    Skips(String topic) {
      this.topic = topic;
    }

    <T extends SpecificRecord> void decode(
        ConsumerRecord<byte[], byte[]> r, ConfluentAvroCodec<T> codec, Consumer<T> sink) {
      if (r.value() == null) {
        return; // a tombstone carries no record
      }
      try {
        sink.accept(codec.decode(r.value()));
      } catch (AvroDecodeException e) {
        count++;
        if (first == null) {
          first = "partition " + r.partition() + " offset " + r.offset() + ": " + e.getMessage();
        }
      }
    }

    void warn(PrintWriter err) {
      if (count > 0) {
        err.printf(
            "warning: skipped %d record(s) on %s that could not be decoded (first: %s)%n",
            count, topic, first);
      }
    }
  }
}
