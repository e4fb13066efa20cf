package dev.sieve.local;

import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SieveClients;
import dev.sieve.cli.label.Oracle;
import dev.sieve.cli.label.OracleAnswers;
import dev.sieve.cli.label.OracleLabeler;
import dev.sieve.cli.label.QueueSettings;
import dev.sieve.cli.report.ReportData;
import dev.sieve.cli.report.ReportPage;
import dev.sieve.cli.report.ReportReader;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.TempDirs;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve demo}: the whole loop on this machine. Starts the embedded stack (Kafka broker,
 * Apicurio registry, Flink MiniCluster, all on 127.0.0.1), creates the topics, declares a demo
 * classifier (zero-shot version 0), runs the four jobs, and streams the bundled demo corpus — a web
 * shop's messages, then a shift to smart-home devices — while an oracle labeler answers the label
 * requests (or the user does, with {@code --interactive} and {@code sieve label}). It shows live
 * progress, then accuracy on a held-back slice, writes the report and prints the DEMO line. Ctrl-C
 * stops everything and removes its files.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Sieve on this machine, fed by a demo stream: the whole loop.",
      "Starts a real Kafka broker, a schema registry and the four jobs in a local Flink cluster,"
          + " all on 127.0.0.1. Ctrl-C stops everything and removes what it wrote.",
      "Ends with: DEMO events=<n> predictions=<n> labels=<n> versions=<n> swaps=<n>"
          + " drift_alerts=<n> final_accuracy=<a>"
    })
public final class DemoCommand implements Callable<Integer> {

  static final String PREFIX = Topic.DEFAULT_PREFIX;
  private static final String CLASSIFIER = "topic";

  /** Every tenth message after the shift is held back, then scored at the end. */
  private static final int HOLD_BACK_EVERY = 10;

  /** The loop has settled when no new version came for this long and the queue is answered. */
  private static final Duration SETTLED = Duration.ofSeconds(20);

  @Option(
      names = "--rate",
      defaultValue = "25",
      description = "Demo events per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--timeout",
      defaultValue = "PT8M",
      description = "Give up waiting for the loop after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--interactive",
      description =
          "No oracle: answer the label requests yourself with `sieve label` in a second terminal"
              + " (the command is printed). Implies --keep-running.")
  boolean interactive;

  @Option(
      names = "--keep-running",
      description = "Keep everything running after the demo stream, until Ctrl-C.")
  boolean keepRunning;

  @Option(
      names = "--data-dir",
      paramLabel = "<dir>",
      description =
          "Keep the demo's data (broker, registry, job state, settings) in this new directory"
              + " instead of a temporary one deleted at the end.")
  Path dataDir;

  @Option(
      names = "--report",
      defaultValue = "sieve-demo-report.html",
      description = "Where to write the HTML report at the end (default: ${DEFAULT-VALUE}).")
  Path report;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    DemoCorpus corpus = DemoCorpus.load();
    List<DemoCorpus.Item> stream = new ArrayList<>();
    List<DemoCorpus.Item> heldBack = new ArrayList<>();
    int afterShift = 0;
    for (DemoCorpus.Item item : corpus.items()) {
      boolean holdBack =
          item.phase() == DemoCorpus.AFTER_SHIFT && afterShift++ % HOLD_BACK_EVERY == 0;
      (holdBack ? heldBack : stream).add(item);
    }
    if (dataDir != null && Files.isDirectory(dataDir)) {
      try (var entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          System.err.println(
              "sieve demo: --data-dir "
                  + dataDir
                  + " is not empty; the demo needs a new directory (it streams its corpus from"
                  + " the start)");
          return 1;
        }
      }
    }
    out.println(
        "sieve demo: starting a Kafka broker, a schema registry and Flink on 127.0.0.1 ...");
    long started = System.nanoTime();
    // The stack of ./sieve up, on a temporary data directory unless --data-dir keeps one. Stopped
    // (and the temporary directory deleted) at the end, or by a shutdown hook on Ctrl-C.
    Path root = dataDir != null ? dataDir : Files.createTempDirectory("sieve-demo-");
    Shutdown shutdown = new Shutdown(dataDir == null ? root : null);
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown::run, "sieve-demo-shutdown"));
    try {
      DataDir dir = shutdown.track(DataDir.lock(root));
      dir.checkDeployment(DataDir.Deployment.DEMO);
      LocalStack stack =
          shutdown.track(
              LocalStack.start(
                  dir, new LocalStack.Ports(0, 0, 0, 0), DemoJobs.SLOTS, out::println));
      String bootstrap = stack.bootstrapServers();
      String registryUrl = stack.registryUrl();
      out.printf(
          "  kafka     %s%n  registry  %s%n  flink     %s%n  (up in %d s)%n",
          bootstrap,
          registryUrl,
          stack.flinkUrl(),
          Duration.ofNanos(System.nanoTime() - started).toSeconds());
      stack.createMissingTopics(PREFIX, 2, out::println);
      stack.writeSettings(PREFIX);

      try (RestSchemaRegistryClient registry =
              new RestSchemaRegistryClient(RegistryConfig.forUrl(registryUrl));
          KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
          EmbedderHandle embedder = SharedEmbedders.acquire();
          DemoProgress progress = new DemoProgress(bootstrap, registry, corpus.labels(), PREFIX)) {
        KeyPairFiles.Written keys = throwawayKeys(dir.root());
        ModelVersion v0 = declareClassifier(registry, producer, embedder, keys.signingKey(), out);
        Map<String, JobID> jobs = UpCommand.submit(dir, stack, keys, DemoJobs.Settings.demo(), out);
        shutdown.jobs(dir, stack, jobs);
        DemoJobs.awaitTasksRunning(stack.flink(), jobs.values(), Duration.ofMinutes(2));
        Map<String, String> client =
            Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registryUrl);
        OracleLabeler oracle =
            interactive ? null : startOracle(client, corpus.items(), "sieve demo");
        if (interactive) {
          out.printf(
              "%nAnswer the label requests in a second terminal:%n  ./sieve label"
                  + " --bootstrap-servers %s --registry-url %s%n%n",
              bootstrap, registryUrl);
        }
        DemoProducer demo =
            new DemoProducer(
                producer,
                new ConfluentAvroCodec<>(registry, ContentEvent.class),
                new ConfluentAvroCodec<>(registry, Label.class),
                Topics.CONTENT_RAW.name(PREFIX));
        Thread feeder = feed(() -> demo.run(stream, rate, true));
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean complete = watch(stack, demo, feeder, progress, stream, deadline);
        if (complete && !interactive) {
          complete = awaitSettled(stack, progress, oracle, deadline);
        }
        List<String> heldBackIds = heldBack.stream().map(DemoCorpus.Item::id).toList();
        if (complete) {
          Thread last = feed(() -> demo.run(heldBack, rate, false));
          last.join();
          complete = awaitPredicted(stack, progress, heldBackIds, deadline);
        }
        double v0Accuracy = accuracyOfVersion0(v0, heldBack, embedder);
        if (oracle != null) {
          oracle.stop();
        }
        summary(demo, progress, heldBackIds, v0Accuracy, complete);
        writeReport(bootstrap, registryUrl);
        if (keepRunning || interactive) {
          out.println("Still running; Ctrl-C stops everything.");
          while (true) {
            progress.poll(Duration.ofSeconds(1));
          }
        }
        return complete ? 0 : 1;
      }
    } finally {
      shutdown.run();
    }
  }

  /**
   * Stops what the demo started, once, whether the demo ends or Ctrl-C ends the JVM: the jobs (with
   * a savepoint each when the data directory is kept, else cancelled), the servers, the lock, and a
   * temporary data directory.
   */
  private final class Shutdown {
    private final Path temporary;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Runnable stopJobs = () -> {};
    private boolean done;

    Shutdown(Path temporary) {
      this.temporary = temporary;
    }

    synchronized <T extends AutoCloseable> T track(T resource) {
      resources.push(resource);
      return resource;
    }

    synchronized void jobs(DataDir dir, LocalStack stack, Map<String, JobID> jobs) {
      stopJobs =
          temporary == null
              ? () -> UpCommand.stopWithSavepoints(dir, stack, jobs, out)
              : () -> {
                try {
                  DemoStack.cancelAll(stack.flink());
                } catch (Exception e) {
                  System.err.println("sieve demo: while stopping the jobs: " + e);
                }
              };
    }

    synchronized void run() {
      if (done) {
        return;
      }
      done = true;
      stopJobs.run();
      while (!resources.isEmpty()) {
        try {
          resources.pop().close();
        } catch (Exception e) {
          System.err.println("sieve demo: while stopping: " + e);
        }
      }
      if (temporary != null) {
        TempDirs.deleteQuietly(temporary);
      }
    }
  }

  /**
   * An oracle labeler that answers the label requests of {@code items} from their labels; what it
   * has to say goes to stderr after {@code command}.
   */
  static OracleLabeler startOracle(
      Map<String, String> client, List<DemoCorpus.Item> items, String command) {
    return startOracleFor(
        client,
        items.stream().map(i -> new OracleAnswers.Example(i.id(), i.text(), i.label())).toList(),
        command);
  }

  /** An oracle labeler that answers from {@code answers}, on the topics of {@link #PREFIX}. */
  static OracleLabeler startOracleFor(
      Map<String, String> client, List<OracleAnswers.Example> answers, String command) {
    return OracleLabeler.start(
        QueueSettings.of(client, PREFIX, OracleLabeler.DEFAULT_NAME),
        new Oracle(OracleAnswers.of(answers), 0, 42),
        problem -> System.err.println(command + ": oracle: " + problem));
  }

  /**
   * A key pair for this run only, in the stack's temporary directory (deleted with it): the demo
   * signs its zero-shot version and retrain-trigger its versions with it, the inference job trusts
   * its public half. No key is shared between runs or written in the repository.
   */
  static KeyPairFiles.Written throwawayKeys(DemoStack stack) {
    return throwawayKeys(stack.workDir());
  }

  static KeyPairFiles.Written throwawayKeys(Path dir) {
    return KeyPairFiles.generate(dir.resolve("keys"), KeyPairFiles.DEFAULT_NAME);
  }

  /**
   * Declares the demo classifier: a signed zero-shot version 0 built from the label descriptions,
   * so predictions exist before anyone labels anything.
   */
  static ModelVersion declareClassifier(
      RestSchemaRegistryClient registry,
      KafkaProducer<byte[], byte[]> producer,
      EmbedderHandle embedder,
      SigningKey key,
      PrintStream out)
      throws Exception {
    ModelVersion version =
        ModelVersions.zeroShot(
            CLASSIFIER, 0, DemoCorpus.LABELS, DemoCorpus.DESCRIPTIONS, embedder, key);
    String topic = Topics.MODELS.name(PREFIX);
    producer
        .send(
            new ProducerRecord<>(
                topic,
                CLASSIFIER.getBytes(StandardCharsets.UTF_8),
                new ConfluentAvroCodec<>(registry, ModelVersion.class).encode(topic, version)))
        .get();
    out.printf(
        "  classifier '%s' declared: labels %s, zero-shot version 0%n",
        CLASSIFIER, DemoCorpus.LABELS);
    return version;
  }

  /** A task the feeder thread runs. */
  private interface Feed {
    void run() throws InterruptedException;
  }

  private static Thread feed(Feed feed) {
    Thread feeder =
        new Thread(
            () -> {
              try {
                feed.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                System.err.println("sieve demo: the demo producer failed: " + e);
              }
            },
            "sieve-demo-producer");
    feeder.setDaemon(true);
    feeder.start();
    return feeder;
  }

  /** Prints progress until the stream is fed and predicted; false on timeout or job failure. */
  private boolean watch(
      LocalStack stack,
      DemoProducer demo,
      Thread feeder,
      DemoProgress progress,
      List<DemoCorpus.Item> stream,
      long deadline)
      throws Exception {
    List<String> ids = stream.stream().map(DemoCorpus.Item::id).toList();
    return loop(
        stack,
        progress,
        deadline,
        () ->
            !feeder.isAlive()
                && progress.rejected() >= demo.malformed()
                && progress.predicted(ids));
  }

  /**
   * After the stream, waits until every request is answered and no new version arrived for {@link
   * #SETTLED}: a drift-triggered retraining may still be on its way.
   */
  private boolean awaitSettled(
      LocalStack stack, DemoProgress progress, OracleLabeler oracle, long deadline)
      throws Exception {
    out.println(
        "  stream done; waiting for the loop to settle (last labels, retraining, swap) ...");
    long[] lastChange = {System.nanoTime()};
    int[] lastVersions = {progress.versions().size()};
    return loop(
        stack,
        progress,
        deadline,
        () -> {
          if (progress.versions().size() != lastVersions[0]) {
            lastVersions[0] = progress.versions().size();
            lastChange[0] = System.nanoTime();
          }
          return oracle.idleFor().compareTo(Duration.ofSeconds(5)) >= 0
              && System.nanoTime() - lastChange[0] >= SETTLED.toNanos();
        });
  }

  private boolean awaitPredicted(
      LocalStack stack, DemoProgress progress, List<String> ids, long deadline) throws Exception {
    return loop(stack, progress, deadline, () -> progress.predicted(ids));
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private long started = System.nanoTime();
  private long nextLine;
  private int lastAccepted;
  private long lastLineNanos = System.nanoTime();

  private boolean loop(LocalStack stack, DemoProgress progress, long deadline, Condition done)
      throws Exception {
    while (true) {
      progress.poll(Duration.ofMillis(250));
      boolean finished = done.holds();
      if (System.nanoTime() >= nextLine || finished) {
        printLine(progress);
        nextLine = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      }
      if (finished) {
        return true;
      }
      for (JobStatusMessage job : stack.flink().listJobs().get()) {
        if (job.getJobState().isGloballyTerminalState()) {
          System.err.println(
              "sieve demo: job "
                  + job.getJobName()
                  + " stopped: "
                  + job.getJobState()
                  + " (see the log)");
          return false;
        }
      }
      if (System.nanoTime() > deadline) {
        System.err.println("sieve demo: timed out after " + timeout + " waiting for the loop");
        return false;
      }
    }
  }

  /** One compact progress line: throughput, the loop's counters and the versions. */
  private void printLine(DemoProgress progress) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastLineNanos) / 1e9);
    double perSecond = (progress.accepted() - lastAccepted) / seconds;
    lastAccepted = progress.accepted();
    lastLineNanos = now;
    StringBuilder versions = new StringBuilder();
    progress
        .versions()
        .values()
        .forEach(
            v ->
                versions.append(
                    Double.isNaN(v.cvAccuracy())
                        ? String.format(" v%d", v.version())
                        : String.format(" v%d(cv %.2f)", v.version(), v.cvAccuracy())));
    out.printf(
        "  %4ds  events %5d (%3.0f/s)  predicted %5d  asked %4d  answered %4d  drift %d "
            + "  versions%s  serving v%d%n",
        Duration.ofNanos(now - started).toSeconds(),
        progress.accepted(),
        perSecond,
        progress.predictions(),
        progress.requests(),
        progress.labels(),
        progress.driftAlerts(),
        versions,
        Math.max(0, progress.servingVersion()));
  }

  /** Version 0's accuracy on the held-back slice, computed here with the same head and embedder. */
  private static double accuracyOfVersion0(
      ModelVersion v0, List<DemoCorpus.Item> heldBack, EmbedderHandle embedder) throws Exception {
    float[][] embeddings = embedder.embed(heldBack.stream().map(DemoCorpus.Item::text).toList());
    try (HeadRunner head = new HeadRunner(ModelVersions.headBytes(v0))) {
      float[][] scores = head.predict(embeddings);
      int right = 0;
      for (int i = 0; i < heldBack.size(); i++) {
        int best = 0;
        for (int c = 1; c < scores[i].length; c++) {
          if (scores[i][c] > scores[i][best]) {
            best = c;
          }
        }
        right += v0.getLabels().get(best).equals(heldBack.get(i).label()) ? 1 : 0;
      }
      return (double) right / heldBack.size();
    }
  }

  private void summary(
      DemoProducer demo,
      DemoProgress progress,
      List<String> heldBackIds,
      double v0Accuracy,
      boolean complete) {
    int dropped = demo.sent() - progress.accepted() - progress.rejected();
    double finalAccuracy = progress.accuracyOf(heldBackIds);
    out.println();
    out.printf(
        "Sent %d records: %d distinct events, %d re-sent ids, %d malformed.%n",
        demo.sent(), demo.valid(), demo.duplicates(), demo.malformed());
    out.printf(
        "sieve.content received %d events (%d distinct ids; %d duplicates dropped); the DLQ %d,"
            + " by reason: %s%n",
        progress.accepted(),
        progress.distinctAccepted(),
        dropped,
        progress.rejected(),
        progress.reasons());
    out.printf(
        "Label requests: %d, by strategy %s; answered %d, joined %d, refused %d.%n",
        progress.requests(),
        progress.requestsByStrategy(),
        progress.labels(),
        progress.labelled(),
        progress.labelDeadLetters());
    out.printf("Drift alerts: %d %s%n", progress.driftAlerts(), progress.driftByDetector());
    out.println("Model versions (accuracy against the corpus labels of the events each scored):");
    Map<Integer, Double> served = progress.accuracyByVersion();
    for (DemoProgress.Version v : progress.versions().values()) {
      out.printf(
          "  v%-3d %-12s cv accuracy %-5s  trained on %4d  served accuracy %s%s%n",
          v.version(),
          v.reason().split(":")[0],
          Double.isNaN(v.cvAccuracy()) ? "-" : String.format("%.3f", v.cvAccuracy()),
          v.trainingSize(),
          served.containsKey(v.version()) ? String.format("%.3f", served.get(v.version())) : "-",
          v.chosen().isEmpty() ? "" : "  chosen " + v.chosen());
    }
    out.printf(
        "Held-back slice (%d messages after the shift, never labelled): version 0 %.3f, serving"
            + " version %d %.3f%n",
        heldBackIds.size(), v0Accuracy, progress.versionOf(heldBackIds), finalAccuracy);
    out.printf(
        "INGEST sent=%d accepted=%d distinct_ids=%d duplicates_dropped=%d dead_letters=%d complete=%s%n",
        demo.sent(),
        progress.accepted(),
        progress.distinctAccepted(),
        dropped,
        progress.rejected(),
        complete);
    out.printf(
        "DEMO events=%d predictions=%d labels=%d versions=%d swaps=%d drift_alerts=%d"
            + " final_accuracy=%.3f%n",
        progress.accepted(),
        progress.predictions(),
        progress.labels(),
        progress.versions().size(),
        progress.swaps(),
        progress.driftAlerts(),
        finalAccuracy);
  }

  private void writeReport(String bootstrap, String registryUrl) {
    ConnectionOptions connection =
        ConnectionOptions.of(bootstrap, registryUrl, PREFIX, Duration.ofSeconds(30));
    try (SieveClients clients = new SieveClients(connection)) {
      ReportData data = new ReportReader(clients, PREFIX).read();
      Files.writeString(report, ReportPage.render(data, Instant.now(), "sieve demo"));
      out.println("Report: " + report.toAbsolutePath().normalize());
    } catch (Exception e) {
      System.err.println("sieve demo: could not write the report: " + e);
    }
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
