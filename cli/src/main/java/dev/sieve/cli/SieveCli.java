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
      TopicsCommand.class,
      ClassifierCommand.class,
      ModelsCommand.class,
      RollbackCommand.class,
      RetrainCommand.class,
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
