package dev.sieve.local;

import dev.sieve.cli.CommandGroups;
import dev.sieve.cli.SieveCli;
import dev.sieve.tools.ToolCommands;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * What the repository's {@code ./sieve} launcher runs: every command of the operator CLI, the model
 * engineer's measurements and the commands that run the whole system on this machine, one heading
 * each in {@code --help}.
 */
@Command(
    name = "sieve",
    mixinStandardHelpOptions = true,
    versionProvider = SieveCli.Version.class,
    description = "Self-improving text classification on Kafka and Flink.")
public final class Sieve {

  /** The commands that run Sieve on this machine. */
  public static final List<Class<?>> RUN_LOCALLY =
      List.of(UpCommand.class, DownCommand.class, DemoCommand.class, ChaosCommand.class);

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Every command, grouped as {@code --help} lists them. */
  public static CommandLine commandLine() {
    List<Class<?>> measure = new ArrayList<>(ToolCommands.MEASURE);
    measure.add(BenchCommand.class);
    return new CommandGroups()
        .add("Run locally", RUN_LOCALLY)
        .add(SieveCli.OPERATE_HEADING, SieveCli.OPERATE)
        .add(ToolCommands.HEADING, measure)
        .commandLine(new Sieve());
  }
}
