package dev.sieve.cli;

import dev.sieve.model.TrustedKeys;
import dev.sieve.schemas.ModelVersion;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sieve models show <classifier> [<version>]}: one version (the latest by default) in full.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one model version (the latest unless <version> is given): why it was made (trigger,"
          + " publish decision, training settings), labels, lineage, digest and signature,"
          + " per-class metrics and the confusion matrix.",
      "With trusted public keys (--trusted-keys, or sieve.model.trusted.keys in --config) the"
          + " signature is checked."
    })
final class ModelsShowCommand extends ClientCommand {

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--trusted-keys",
      paramLabel = "<key>",
      description =
          "Public keys to check the signature with: files or inline base64, comma-separated"
              + " (default: sieve.model.trusted.keys in --config).")
  String trustedKeys;

  @Parameters(index = "0", paramLabel = "<classifier>")
  String classifier;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "<version>",
      description = "The version to show; the latest when left out.")
  Integer version;

  @Override
  int run(PrintWriter out, PrintWriter err) {
    try (SieveClients clients = new SieveClients(connection)) {
      Map<String, String> props = new HashMap<>(clients.properties());
      if (trustedKeys != null && !trustedKeys.isBlank()) {
        props.put(SigningKeyFile.TRUSTED_PROPERTY, trustedKeys);
      }
      TrustedKeys key = SigningKeyOption.trusted(props, null);
      ModelCatalog catalog = clients.readModels(err);
      int wanted =
          version != null
              ? version
              : catalog
                  .latest(classifier)
                  .map(ModelVersion::getVersion)
                  .orElseThrow(
                      () ->
                          new CliException(
                              "no versions of classifier '"
                                  + classifier
                                  + "' on "
                                  + clients.modelsTopic()));
      ModelVersion v = RollbackCommand.readable(catalog, classifier, wanted, clients.modelsTopic());
      boolean latest = catalog.latest(classifier).map(l -> l.getVersion() == wanted).orElse(false);
      out.print(ModelTables.show(v, latest, key));
      return 0;
    }
  }
}
