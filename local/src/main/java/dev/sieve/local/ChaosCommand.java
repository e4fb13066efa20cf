package dev.sieve.local;

import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SieveClients;
import dev.sieve.cli.TopicsCommand;
import dev.sieve.cli.label.OracleLabeler;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve chaos}: the whole loop on the embedded stack, as in the demo, while faults are
 * injected on purpose — TaskManager kills, a broker restart, a registry outage, poison records on
 * the topics people write — then every output topic is checked with read_committed: each event
 * predicted exactly once, no labelled example or model version twice, every poison record
 * dead-lettered, every job running.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole loop on this machine while breaking it on purpose, then check nothing was"
          + " lost or duplicated.",
      "Kills the Flink TaskManager again and again, stops the broker and the registry, and writes"
          + " poison records, all on 127.0.0.1; then reads every output topic (read_committed).",
      "Ends with: CHAOS minutes=<m> events=<n> failures_injected=<n> broker_restarts=<n>"
          + " registry_outages=<n> poison=<n> lost=<n> duplicated=<n> jobs_running=<n>/4"
    })
public final class ChaosCommand implements Callable<Integer> {

  @Option(
      names = "--minutes",
      defaultValue = "5",
      description = "How long faults are injected (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--rate",
      defaultValue = "10",
      description = "Content events per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--poison",
      defaultValue = "10000",
      description =
          "Poison records written to sieve.content.raw and sieve.labels (default: ${DEFAULT-VALUE}).")
  int poison;

  @Option(
      names = "--broker-outage",
      defaultValue = "30s",
      converter = ConnectionOptions.DurationConverter.class,
      description = "How long the broker stays stopped (default: ${DEFAULT-VALUE}).")
  Duration brokerOutage;

  @Option(
      names = "--registry-outage",
      defaultValue = "90s",
      converter = ConnectionOptions.DurationConverter.class,
      description = "How long the registry stays stopped (default: ${DEFAULT-VALUE}).")
  Duration registryOutage;

  @Option(
      names = "--seed",
      description = "Seed of the fault timing and the poison records (default: random, printed).")
  Long seed;

  @Option(
      names = "--drain-timeout",
      defaultValue = "10m",
      converter = ConnectionOptions.DurationConverter.class,
      description =
          "After the faults, how long to wait for every event to be predicted (default:"
              + " ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    long runSeed = seed != null ? seed : System.nanoTime();
    Duration window = Duration.ofMillis((long) (minutes * 60_000));
    List<DemoCorpus.Item> stream = stream((int) Math.ceil(window.toSeconds() * rate));
    out.printf(
        "sieve chaos: %d events at %.0f/s and %d poison records over %d s; seed %d (--seed to"
            + " replay)%n",
        stream.size(), rate, poison, window.toSeconds(), runSeed);
    try (DemoStack stack = DemoStack.start(DemoJobs.SLOTS)) {
      String bootstrap = stack.kafka().bootstrapServers();
      String registryUrl = stack.registry().confluentApiUrl();
      String prefix = DemoCommand.PREFIX;
      stack.kafka().createTopics(TopicsCommand.newTopics(prefix, 2, (short) 1));
      try (RestSchemaRegistryClient registry =
              new RestSchemaRegistryClient(RegistryConfig.forUrl(registryUrl));
          KafkaProducer<byte[], byte[]> producer = patientProducer(bootstrap);
          EmbedderHandle embedder = SharedEmbedders.acquire()) {
        KeyPairFiles.Written keys = DemoCommand.throwawayKeys(stack);
        DemoCommand.declareClassifier(registry, producer, embedder, keys.signingKey(), out);
        Map<String, JobID> jobs =
            DemoJobs.submitAll(
                stack.flink(),
                stack.workDir().resolve("flink"),
                bootstrap,
                registryUrl,
                prefix,
                keys,
                out::println);
        DemoJobs.awaitTasksRunning(stack.flink(), jobs.values(), Duration.ofMinutes(2));
        Map<String, String> client =
            Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registryUrl);
        OracleLabeler oracle = DemoCommand.startOracle(client, stream, "sieve chaos");

        ConfluentAvroCodec<ContentEvent> contentCodec =
            new ConfluentAvroCodec<>(registry, ContentEvent.class);
        ConfluentAvroCodec<Label> labelCodec = new ConfluentAvroCodec<>(registry, Label.class);
        DemoProducer events =
            new DemoProducer(producer, contentCodec, labelCodec, Topics.CONTENT_RAW.name(prefix));
        AtomicLong poisonSent = new AtomicLong();
        Thread feeder = thread("sieve-chaos-events", () -> events.run(stream, rate, false));
        Thread poisoner =
            thread(
                "sieve-chaos-poison",
                () ->
                    sendPoison(
                        producer, contentCodec, labelCodec, prefix, runSeed, window, poisonSent));
        FaultInjector faults =
            new FaultInjector(
                stack.flink(),
                stack.kafka(),
                stack.registry(),
                jobs.values(),
                runSeed,
                out,
                () ->
                    String.format("[%d events, %d poison sent]", events.sent(), poisonSent.get()));
        faults.run(window, brokerOutage, registryOutage);
        feeder.join();
        poisoner.join();
        producer.flush();

        ConnectionOptions connection =
            ConnectionOptions.of(bootstrap, registryUrl, prefix, Duration.ofSeconds(60));
        List<String> ids = stream.stream().map(DemoCorpus.Item::id).toList();
        ChaosAudit audit;
        int running;
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        try (SieveClients clients = new SieveClients(connection)) {
          while (true) {
            audit = ChaosAudit.read(clients, ids);
            running = runningJobs(stack);
            boolean drained = audit.lost() == 0 && audit.poisonDeadLettered() == poisonSent.get();
            out.printf(
                "  draining: %d of %d events predicted, %d of %d poison records dead-lettered,"
                    + " %d/4 jobs running%n",
                ids.size() - audit.lost(),
                ids.size(),
                audit.poisonDeadLettered(),
                poisonSent.get(),
                running);
            if ((drained && running == jobs.size()) || System.nanoTime() > deadline) {
              break;
            }
            Thread.sleep(5_000);
          }
        }
        oracle.stop();
        int unaccounted = (int) (poisonSent.get() - audit.poisonDeadLettered());
        out.printf(
            "%nRead back (read_committed): %d predictions, %d labelled examples, %d model"
                + " versions; %d poison records not dead-lettered.%n",
            audit.predictions(), audit.labelled(), audit.versions(), unaccounted);
        out.printf(
            "CHAOS minutes=%s events=%d failures_injected=%d broker_restarts=%d"
                + " registry_outages=%d poison=%d lost=%d duplicated=%d jobs_running=%d/%d%n",
            minutes == Math.rint(minutes)
                ? String.valueOf((long) minutes)
                : String.valueOf(minutes),
            ids.size(),
            faults.failuresInjected(),
            faults.brokerRestarts(),
            faults.registryOutages(),
            poisonSent.get(),
            audit.lost(),
            audit.duplicated(),
            running,
            jobs.size());
        boolean held =
            audit.lost() == 0
                && audit.duplicated() == 0
                && unaccounted == 0
                && running == jobs.size();
        return held ? 0 : 1;
      }
    }
  }

  /** The demo corpus again and again under fresh ids (ingest drops an id it has seen). */
  private static List<DemoCorpus.Item> stream(int size) {
    List<DemoCorpus.Item> corpus = DemoCorpus.load().items();
    List<DemoCorpus.Item> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      DemoCorpus.Item item = corpus.get(i % corpus.size());
      out.add(
          new DemoCorpus.Item(
              item.id() + "-r" + (i / corpus.size()), item.text(), item.label(), item.phase()));
    }
    return out;
  }

  /** Poison, half to sieve.content.raw and half to sieve.labels, spread over the window. */
  private void sendPoison(
      KafkaProducer<byte[], byte[]> producer,
      ConfluentAvroCodec<ContentEvent> contentCodec,
      ConfluentAvroCodec<Label> labelCodec,
      String prefix,
      long runSeed,
      Duration window,
      AtomicLong sent)
      throws InterruptedException {
    String contentTopic = Topics.CONTENT_RAW.name(prefix);
    String labelsTopic = Topics.LABELS.name(prefix);
    PoisonRecords content =
        new PoisonRecords(
            runSeed,
            contentCodec.encode(
                contentTopic,
                ContentEvent.newBuilder().setId("chaos-valid").setText("a valid text").build()));
    PoisonRecords labels =
        new PoisonRecords(
            runSeed + 1,
            labelCodec.encode(
                labelsTopic,
                Label.newBuilder()
                    .setContentId("chaos-valid")
                    .setClassifier("topic")
                    .setLabel("billing")
                    .setLabeler("chaos")
                    .setLabeledAtMs(0)
                    .build()));
    long pauseNanos = window.toNanos() / Math.max(1, poison);
    long next = System.nanoTime();
    for (long n = 0; n < poison; n++) {
      boolean toContent = n % 2 == 0;
      byte[] value = (toContent ? content : labels).next(n);
      producer.send(
          new ProducerRecord<>(
              toContent ? contentTopic : labelsTopic,
              PoisonRecords.key(n).getBytes(StandardCharsets.UTF_8),
              value));
      sent.incrementAndGet();
      next += pauseNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  private static int runningJobs(DemoStack stack) throws Exception {
    int running = 0;
    for (JobStatusMessage job : stack.flink().listJobs().get()) {
      running += job.getJobState() == org.apache.flink.api.common.JobStatus.RUNNING ? 1 : 0;
    }
    return running;
  }

  /**
   * A producer that rides out a broker outage: it blocks and keeps records in its buffer for up to
   * ten minutes instead of failing them after the client's default two.
   */
  private static KafkaProducer<byte[], byte[]> patientProducer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(10).toMillis());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private interface Work {
    void run() throws Exception;
  }

  private static Thread thread(String name, Work work) {
    Thread thread =
        new Thread(
            () -> {
              try {
                work.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                System.err.println("sieve chaos: " + name + " failed: " + e);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
