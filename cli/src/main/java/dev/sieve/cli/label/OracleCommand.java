package dev.sieve.cli.label;

import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import dev.sieve.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve oracle}: a simulated labeler that answers label requests from a labelled JSONL file,
 * for demos, tests and benchmarks. It runs until Ctrl-C, or until no request has come for {@code
 * --stop-when-idle}.
 */
@Command(
    name = "oracle",
    mixinStandardHelpOptions = true,
    description = {
      "Answer label requests from a labelled JSONL file ({\"id\", \"text\", \"label\"} a line),"
          + " looked up by content id, else by exact text; optionally wrong on purpose.",
      "Requests it cannot answer are rejected. Runs until Ctrl-C or --stop-when-idle."
    })
public final class OracleCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--answers",
      required = true,
      paramLabel = "<file.jsonl>",
      description = "Labelled JSONL file, one JSON object a line with id, text and label.")
  Path answers;

  @Option(
      names = "--error-rate",
      defaultValue = "0",
      description =
          "Probability of answering a wrong class on purpose (default: ${DEFAULT-VALUE}).")
  double errorRate;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the error draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--labeler",
      defaultValue = OracleLabeler.DEFAULT_NAME,
      description = "Name written into each label (default: ${DEFAULT-VALUE}).")
  String labeler;

  @Option(
      names = "--group",
      defaultValue = QueueSettings.DEFAULT_GROUP,
      description = "Share group of the labelers (default: ${DEFAULT-VALUE}).")
  String group;

  @Option(
      names = "--batch",
      defaultValue = "100",
      description = "Most requests taken at a time (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lock-duration",
      converter = ConnectionOptions.DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Set the share group's acquisition lock (share.record.lock.duration.ms) for"
              + " every labeler of the group, e.g. 20s; the broker allows 15s-60s by default.")
  Duration lockDuration;

  @Option(
      names = "--stop-when-idle",
      converter = ConnectionOptions.DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Stop when no request has come for this long, e.g. 30s; before the first"
              + " request it waits at least 60s, as joining a share group on a fresh broker takes a"
              + " while (default: run until Ctrl-C).")
  Duration stopWhenIdle;

  /** The least wait for the first request when --stop-when-idle is given. */
  static final Duration FIRST_REQUEST_WAIT = Duration.ofSeconds(60);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } catch (Exception e) {
      err.println("sieve oracle: " + ClientCommand.describe(e));
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int run(PrintWriter out, PrintWriter err) throws InterruptedException {
    if (!Files.isReadable(answers)) {
      throw new IllegalArgumentException("--answers: cannot read " + answers);
    }
    Oracle oracle = new Oracle(OracleAnswers.load(answers), errorRate, seed);
    QueueSettings settings =
        QueueSettings.of(connectionProperties(), connection.topicPrefix(), labeler)
            .withGroup(group)
            .withBatch(batch, false)
            .withLockDuration(lockDuration);
    OracleLabeler running =
        OracleLabeler.start(
            settings,
            oracle,
            line -> {
              synchronized (err) {
                err.println("sieve oracle: " + line);
                err.flush();
              }
            });
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              running.stop();
              awaitQuietly(stopped);
            },
            "sieve-oracle-stopper");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf(
        Locale.ROOT,
        "oracle '%s' answering %s in share group '%s' from %s (error rate %.2f)%n",
        labeler,
        Topics.LABELING_REQUESTS.name(settings.topicPrefix()),
        group,
        answers,
        errorRate);
    out.flush();
    try {
      while (running.isRunning()) {
        Thread.sleep(200);
        if (stopWhenIdle != null) {
          Duration limit =
              running.sawRequests() || stopWhenIdle.compareTo(FIRST_REQUEST_WAIT) > 0
                  ? stopWhenIdle
                  : FIRST_REQUEST_WAIT;
          if (running.idleFor().compareTo(limit) >= 0) {
            break;
          }
        }
      }
      running.stop();
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it stops the labeler itself
      }
    }
    out.printf(
        Locale.ROOT,
        "oracle '%s': answered %d (%d wrong on purpose), rejected %d, unreadable %d%n",
        labeler,
        running.answered(),
        running.deliberatelyWrong(),
        running.rejected(),
        running.unreadable());
    if (running.failure().isPresent()) {
      throw new IllegalStateException(
          ClientCommand.describe(running.failure().get()), running.failure().get());
    }
    return 0;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The connection properties; this command needs the registry too. */
  private Map<String, String> connectionProperties() {
    Map<String, String> props = connection.properties();
    ConnectionOptions.requireRegistryUrl(props);
    return props;
  }
}
