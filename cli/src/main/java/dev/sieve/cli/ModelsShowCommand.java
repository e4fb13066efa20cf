package dev.sieve.cli;

import dev.sieve.schemas.ModelVersion;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sieve models show <classifier> <version>}: one version in full. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one model version: labels, lineage, digest and signature, per-class metrics and the"
          + " confusion matrix.",
      "With a signing key (--model-signing-key, --config or the environment) the signature is"
          + " checked."
    })
final class ModelsShowCommand extends ClientCommand {

  @Mixin ConnectionOptions connection;
  @Mixin SigningKeyOption signing;

  @Parameters(index = "0", paramLabel = "<classifier>")
  String classifier;

  @Parameters(index = "1", paramLabel = "<version>")
  int version;

  @Override
  int run(PrintWriter out, PrintWriter err) {
    try (SieveClients clients = new SieveClients(connection)) {
      byte[] key = signing.keyOrNull(clients.properties());
      ModelCatalog catalog = clients.readModels(err);
      ModelVersion v =
          RollbackCommand.readable(catalog, classifier, version, clients.modelsTopic());
      boolean latest = catalog.latest(classifier).map(l -> l.getVersion() == version).orElse(false);
      out.print(ModelTables.show(v, latest, key));
      return 0;
    }
  }
}
