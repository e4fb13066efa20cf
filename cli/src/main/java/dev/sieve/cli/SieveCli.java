package dev.sieve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./sieve} command line. Each subcommand is a small class of its own; this one only
 * lists them. Later issues add commands here (label, models, eval, produce, tail, report, ...).
 */
@Command(
    name = "sieve",
    mixinStandardHelpOptions = true,
    versionProvider = SieveCli.Version.class,
    description = "Self-improving text classification on Kafka and Flink.",
    subcommands = {
      DemoCommand.class,
      BenchCommand.class,
      EvalCommand.class,
      dev.sieve.cli.eval.EvalAlCommand.class,
      dev.sieve.cli.calibrate.CalibrateDriftCommand.class,
      TopicsCommand.class,
      ClassifierCommand.class,
      ModelsCommand.class,
      RollbackCommand.class,
      RetrainCommand.class,
      dev.sieve.cli.label.LabelCommand.class,
      dev.sieve.cli.label.OracleCommand.class,
      dev.sieve.cli.client.ProduceCommand.class,
      dev.sieve.cli.client.TailCommand.class,
      dev.sieve.cli.client.StatsCommand.class,
      dev.sieve.cli.report.ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SieveCli {

  public static void main(String[] args) {
    int exit = new CommandLine(new SieveCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(exit);
  }

  /** Prints the version Maven built. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SieveCli.class.getPackage().getImplementationVersion();
      return new String[] {"sieve " + (v == null ? "(development build)" : v)};
    }
  }
}
