package dev.sieve.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sieve models [<classifier>]}: the versions still readable on {@code sieve.models}, with
 * their metrics and the change in macro-F1 against their parent.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "List model versions on sieve.models with their metrics (all classifiers, or one).",
      "The topic is compacted: older versions are listed only until the log cleaner removes them."
    },
    subcommands = {ModelsShowCommand.class})
final class ModelsCommand extends ClientCommand {

  @Mixin ConnectionOptions connection;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<classifier>",
      description = "Only this classifier.")
  String classifier;

  @Override
  int run(PrintWriter out, PrintWriter err) {
    try (SieveClients clients = new SieveClients(connection)) {
      ModelCatalog catalog = clients.readModels(err);
      List<String> names = classifier == null ? catalog.classifiers() : List.of(classifier);
      if (classifier != null && catalog.versions(classifier).isEmpty()) {
        throw new CliException(
            "no versions of classifier '"
                + classifier
                + "' on "
                + clients.modelsTopic()
                + (catalog.classifiers().isEmpty()
                    ? " (the topic holds none)"
                    : "; classifiers found: " + String.join(", ", catalog.classifiers())));
      }
      if (names.isEmpty()) {
        out.println("no model versions on " + clients.modelsTopic());
      }
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.println();
        }
        out.print(
            ModelTables.versions(
                names.get(i), catalog.versions(names.get(i)), clients.modelsTopic()));
      }
      return 0;
    }
  }
}
