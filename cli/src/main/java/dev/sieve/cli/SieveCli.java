package dev.sieve.cli;

import dev.sieve.cli.client.ProduceCommand;
import dev.sieve.cli.client.StatsCommand;
import dev.sieve.cli.client.TailCommand;
import dev.sieve.cli.label.LabelCommand;
import dev.sieve.cli.label.OracleCommand;
import dev.sieve.cli.report.ReportCommand;
import dev.sieve.cli.status.StatusCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sieve} command line of an operator: what runs against a real deployment (any Kafka
 * cluster and schema registry), with no Flink on its classpath. The repository's {@code ./sieve}
 * launcher adds the commands that run Sieve locally and those that measure it (modules {@code
 * local/} and {@code tools/}).
 */
@Command(
    name = "sieve",
    mixinStandardHelpOptions = true,
    versionProvider = SieveCli.Version.class,
    description = "Self-improving text classification on Kafka and Flink.")
public final class SieveCli {

  /** The operator's commands, in the order {@code --help} lists them. */
  public static final List<Class<?>> OPERATE =
      List.of(
          TopicsCommand.class,
          StatusCommand.class,
          ClassifierCommand.class,
          ModelsCommand.class,
          RollbackCommand.class,
          KeysCommand.class,
          RetrainCommand.class,
          LabelCommand.class,
          OracleCommand.class,
          ImportCommand.class,
          ExportCommand.class,
          ProduceCommand.class,
          TailCommand.class,
          StatsCommand.class,
          ReportCommand.class);

  public static final String OPERATE_HEADING = "Operate";

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The operator's command line: every command of {@link #OPERATE}, and help. */
  public static CommandLine commandLine() {
    return new CommandGroups().add(OPERATE_HEADING, OPERATE).commandLine(new SieveCli());
  }

  /** Prints the version Maven built. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SieveCli.class.getPackage().getImplementationVersion();
      return new String[] {"sieve " + (v == null ? "(development build)" : v)};
    }
  }
}
