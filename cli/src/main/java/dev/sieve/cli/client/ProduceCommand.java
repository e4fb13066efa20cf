package dev.sieve.cli.client;

import dev.sieve.cli.BrokerWatch;
import dev.sieve.cli.CliException;
import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.RegistryWait;
import dev.sieve.cli.SieveClients;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Topics;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve produce}: writes content events from a JSON-lines file (or standard input) to {@code
 * sieve.content.raw}, the way a user's app would. A bad line is reported with its number and
 * skipped, never fatal; a Kafka or registry failure stops the command with one clear line.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Produce content events from JSON lines to sieve.content.raw, keyed by id.",
      "Each line: {\"id\": ..., \"text\": ..., optional \"source\", \"timestampMs\","
          + " \"attributes\"}. Bad lines are reported with their number and skipped.",
      "Ends with: produced=<n> skipped=<n> seconds=<s>"
    })
public final class ProduceCommand implements Callable<Integer> {

  /** Skipped lines beyond this many are counted but not listed one by one. */
  static final int MAX_REPORTED = 100;

  /** How long a run that has begun waits for a broker that went away before it gives up. */
  static final Duration OUTAGE_WAIT = Duration.ofHours(1);

  /** How often the producer's connections are looked at while it has records to deliver. */
  static final Duration WATCH_EVERY = Duration.ofMillis(250);

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  /** Exactly one of a file and standard input. */
  static final class Input {
    @Option(
        names = "--file",
        required = true,
        paramLabel = "<file.jsonl>",
        description = "JSON lines to produce.")
    Path file;

    @Option(
        names = "--stdin",
        required = true,
        description = "Read JSON lines from standard input.")
    boolean stdin;
  }

  @Option(
      names = "--format",
      defaultValue = "avro",
      paramLabel = "avro|json",
      description =
          "avro: Confluent-framed Avro ContentEvent through the registry (default); json: the"
              + " line's own bytes (ingest-job reads both).")
  String format;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress line on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  @Override
  public Integer call() {
    return ClientCommand.reportingFailures(spec, this::run);
  }

  private int run(PrintWriter out, PrintWriter err) throws Exception {
    boolean avro = avroFormat(format);
    long size = -1;
    if (input.file != null) {
      if (!Files.exists(input.file)) {
        throw new CliException("--file " + input.file + ": no such file");
      }
      if (Files.isDirectory(input.file)) {
        throw new CliException("--file " + input.file + ": is a directory");
      }
      // a pipe (--file <(...)) has no size: no percentage then
      size = Files.isRegularFile(input.file) ? Files.size(input.file) : -1;
    }
    boolean showProgress = progress != null ? progress : Terminals.stderrIsTerminal();
    try (SieveClients clients = new SieveClients(connection)) {
      String topic = clients.topic(Topics.CONTENT_RAW);
      try (KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
        clients.partitions(consumer, topic); // a missing topic or a silent broker, said clearly
      }
      ConfluentAvroCodec<ContentEvent> codec = avro ? clients.codec(ContentEvent.class) : null;
      try (KafkaProducer<byte[], byte[]> producer = newProducer(clients);
          InputStream in = input.file != null ? Files.newInputStream(input.file) : System.in) {
        Run run = new Run(topic, codec, producer, new ProgressLine(err, showProgress, size), err);
        run.registry =
            new RegistryWait(
                clients.properties().get(ConnectionOptions.REGISTRY_URL),
                clients.timeout(),
                line -> {
                  synchronized (err) {
                    err.println(line);
                    err.flush();
                  }
                });
        BrokerWatch broker =
            new BrokerWatch(
                clients.bootstrapServers(),
                line -> {
                  synchronized (err) {
                    err.println(line);
                    err.flush();
                  }
                });
        try (StopSignal stop = new StopSignal(() -> abandonIfAway(broker, producer));
            Watcher watcher = new Watcher(run, broker)) {
          run.lines(in, stop);
          producer.flush();
          run.drainNotes();
          run.progress.clear();
          out.printf(
              Locale.ROOT,
              "produced=%d skipped=%d seconds=%.1f%n",
              run.acked.get(),
              run.skipped + run.tooLarge.get(),
              (System.nanoTime() - run.startNanos) / 1e9);
          out.flush();
          if (stop.stopped()) {
            err.printf("interrupted after line %d%n", run.lineNumber);
          }
          err.flush();
        }
        if (run.failure.get() != null) {
          throw new CliException("stopped: " + run.failure.get());
        }
      }
    }
    return 0;
  }

  /**
   * The producer, waiting up to {@link #OUTAGE_WAIT} for a broker that went away (unless the user
   * set {@code max.block.ms} or {@code delivery.timeout.ms}): {@code --timeout} bounds the first
   * contact, checked before, and a run that has begun rides out an outage instead of losing the
   * records in flight after 30 s.
   */
  private static KafkaProducer<byte[], byte[]> newProducer(SieveClients clients) {
    Map<String, Object> props = clients.producerProperties();
    int wait = (int) OUTAGE_WAIT.toMillis();
    if (!clients.properties().containsKey(ProducerConfig.MAX_BLOCK_MS_CONFIG)) {
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, wait);
    }
    if (!clients.properties().containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, wait);
    }
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Ctrl-C while the broker is away: nothing would ever be delivered, so the producer is closed at
   * once and the records not written are reported; otherwise Ctrl-C stops reading and the records
   * read are still delivered.
   */
  private static void abandonIfAway(BrokerWatch broker, KafkaProducer<?, ?> producer) {
    if (broker.away()) {
      producer.close(Duration.ZERO);
    }
  }

  /**
   * Watches the producer's connections while it has something to deliver, every {@link
   * #WATCH_EVERY}, on its own thread: the main thread may be blocked in {@code send}, waiting for
   * metadata, exactly when the broker is away.
   */
  private static final class Watcher implements AutoCloseable {
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sieve-produce-watch");
              t.setDaemon(true);
              return t;
            });
    private final Run run;
    private final BrokerWatch broker;

    Watcher(Run run, BrokerWatch broker) {
      this.run = run;
      this.broker = broker;
      timer.scheduleWithFixedDelay(
          () -> {
            if (run.pending() || broker.away()) {
              broker.observe(run.producer.metrics());
            }
          },
          WATCH_EVERY.toMillis(),
          WATCH_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    /** Stops watching; a broker that came back just before the end is still said to be back. */
    @Override
    public void close() {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (broker.away()) {
        broker.observe(run.producer.metrics());
      }
    }
  }

  static boolean avroFormat(String format) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "avro" -> true;
      case "json" -> false;
      default -> throw new CliException("--format: '" + format + "' is not avro or json");
    };
  }

  /** The state of one run: counts, and notes from the producer's thread for the main thread. */
  private static final class Run {
    final String topic;
    final ConfluentAvroCodec<ContentEvent> codec;
    final KafkaProducer<byte[], byte[]> producer;
    final ProgressLine progress;
    final PrintWriter err;
    final long startNanos = System.nanoTime();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    volatile boolean sending;
    final AtomicLong tooLarge = new AtomicLong();
    final AtomicReference<String> failure = new AtomicReference<>();
    final Queue<String> notes = new ConcurrentLinkedQueue<>();
    RegistryWait registry;
    long lineNumber;
    long sent;
    long skipped;
    long reported;
    long bytesRead;

    Run(
        String topic,
        ConfluentAvroCodec<ContentEvent> codec,
        KafkaProducer<byte[], byte[]> producer,
        ProgressLine progress,
        PrintWriter err) {
      this.topic = topic;
      this.codec = codec;
      this.producer = producer;
      this.progress = progress;
      this.err = err;
    }

    void lines(InputStream in, StopSignal stop) throws InterruptedException {
      LineReader reader = new LineReader(in);
      String line;
      while ((line = reader.next(() -> stop.stopped() || failure.get() != null)) != null) {
        lineNumber++;
        bytesRead += line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (!line.isBlank()) {
          send(line);
        }
        drainNotes();
        progress.update(sent, skipped + tooLarge.get(), bytesRead);
      }
    }

    private void send(String line) throws InterruptedException {
      ContentLine.Parsed parsed = ContentLine.parse(line);
      if (!parsed.ok()) {
        skipped++;
        note("line " + lineNumber + ": skipped: " + parsed.problem());
        return;
      }
      ContentEvent event = parsed.event();
      byte[] value =
          codec != null
              // the schema id is asked for once; should the registry be away then, wait for it
              // (up to --timeout)
              ? registry.call(() -> codec.encode(topic, event))
              : line.strip().getBytes(StandardCharsets.UTF_8);
      long number = lineNumber;
      sending = true;
      try {
        sendRecord(event, value, number);
      } finally {
        sending = false;
      }
      sent++;
    }

    /** True while a send blocks or a record sent is not acknowledged yet. */
    boolean pending() {
      return sending || completed.get() < sent;
    }

    private void sendRecord(ContentEvent event, byte[] value, long number) {
      producer.send(
          new ProducerRecord<>(topic, event.getId().getBytes(StandardCharsets.UTF_8), value),
          (metadata, e) -> {
            completed.incrementAndGet();
            if (e == null) {
              acked.incrementAndGet();
            } else if (e instanceof RecordTooLargeException) {
              tooLarge.incrementAndGet();
              notes.add("line " + number + ": skipped: " + e.getMessage());
            } else {
              failure.compareAndSet(
                  null, "line " + number + " was not written: " + ClientCommand.describe(e));
            }
          });
    }

    /** Notes are printed by the main thread only, so they never cut through the progress line. */
    void drainNotes() {
      for (String note = notes.poll(); note != null; note = notes.poll()) {
        note(note);
      }
    }

    private void note(String message) {
      reported++;
      if (reported <= MAX_REPORTED) {
        progress.clear();
        err.println(message);
      } else if (reported == MAX_REPORTED + 1) {
        progress.clear();
        err.println("(more skipped lines are counted in the summary, not listed)");
      }
    }
  }
}
