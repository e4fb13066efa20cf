package dev.sieve.cli.label;

import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve label}: a person labels the samples Sieve asks about, one at a time, in the
 * terminal. Single key presses on a terminal; a number and Enter per line when stdin is a pipe.
 */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description = {
      "Label the samples Sieve asks about, in the terminal: 1-9 choose a class, s skips (someone"
          + " else may answer), u is unsure (nobody is asked again), q quits.",
      "Labelers share the queue through a Kafka share group: each request goes to one of them."
    })
public final class LabelCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--classifier",
      description = "Only this classifier's requests; others are released to the other labelers.")
  String classifier;

  @Option(
      names = "--labeler",
      description = "Name written into your labels (default: the OS user).")
  String labeler = System.getProperty("user.name", "someone");

  @Option(
      names = "--group",
      defaultValue = QueueSettings.DEFAULT_GROUP,
      description = "Share group of the labelers (default: ${DEFAULT-VALUE}).")
  String group;

  @Option(
      names = "--lock-duration",
      converter = ConnectionOptions.DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Set the share group's acquisition lock (share.record.lock.duration.ms) for"
              + " every labeler of the group, e.g. 20s; the broker allows 15s-60s by default.")
  Duration lockDuration;

  /** Where answers come from; tests put a pipe here. */
  InputStream input = System.in;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      QueueSettings settings =
          QueueSettings.of(connectionProperties(), connection.topicPrefix(), labeler)
              .withGroup(group)
              // a person holds only the request on screen: nothing else waits behind them
              .withBatch(1, true)
              .withLockDuration(lockDuration);
      try (KeyInput keys = keys();
          LabelingQueue queue =
              LabelingQueue.open(
                  settings,
                  line -> {
                    err.println("sieve label: " + line);
                    err.flush();
                  })) {
        out.printf(
            "labeling %s as '%s' in share group '%s'%s; %s%n",
            queue.requestsTopic(),
            labeler,
            group,
            classifier == null ? "" : ", classifier " + classifier + " only",
            keys.singleKeys()
                ? "press a class number, s to skip, u if unsure, q to quit"
                : "answer a class number, s, u or q a line");
        out.flush();
        new TerminalLabeler(queue, keys, out, Optional.ofNullable(classifier), System::nanoTime)
            .run();
      }
      return 0;
    } catch (Exception e) {
      err.println("sieve label: " + ClientCommand.describe(e));
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Key presses when stdin is a terminal, lines otherwise (a pipe, a file, a test). */
  private KeyInput keys() {
    if (input == System.in && System.console() != null) {
      Optional<KeyInput> terminal = TerminalInput.open();
      if (terminal.isPresent()) {
        return terminal.get();
      }
    }
    return new LineInput(input);
  }

  /** The connection properties; this command needs the registry too. */
  private Map<String, String> connectionProperties() {
    Map<String, String> props = connection.properties();
    ConnectionOptions.requireRegistryUrl(props);
    return props;
  }
}
