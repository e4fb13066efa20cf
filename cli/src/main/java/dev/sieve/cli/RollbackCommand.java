package dev.sieve.cli;

import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersionValidator;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.model.TrustedKeys;
import dev.sieve.model.Validation;
import dev.sieve.schemas.ModelVersion;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sieve rollback <classifier> <version>}: serves an older version again by republishing its
 * head and labels as the newest version (latest + 1, parent = the rolled-back-to version, reason
 * {@code rollback}), signed. The old version must verify with a trusted key ({@code
 * sieve.model.trusted.keys} and the signing key's own public half) before it is re-signed. The
 * inference job swaps to any higher, validly signed version.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Republish an older model version as the newest one (latest + 1, reason rollback), signed.",
      "The old version must still be readable on sieve.models: the topic is compacted, so versions"
          + " older than the latest survive only until the log cleaner removes them."
    })
final class RollbackCommand extends ClientCommand {

  @Mixin ConnectionOptions connection;
  @Mixin SigningKeyOption signing;

  @Parameters(index = "0", paramLabel = "<classifier>")
  String classifier;

  @Parameters(index = "1", paramLabel = "<version>", description = "The version to serve again.")
  int version;

  @Override
  int run(PrintWriter out, PrintWriter err) throws Exception {
    try (SieveClients clients = new SieveClients(connection)) {
      SigningKey key = signing.require(clients.properties());
      TrustedKeys trusted = SigningKeyOption.trusted(clients.properties(), key);
      ModelCatalog catalog = clients.readModels(err);
      ModelVersion target = readable(catalog, classifier, version, clients.modelsTopic());
      ModelVersion latest = catalog.latest(classifier).orElseThrow();
      if (latest.getVersion() == version) {
        throw new CliException(
            "version " + version + " of '" + classifier + "' is already the latest; nothing to do");
      }
      // Re-signing launders nothing: only a version a trusted key signed, unchanged, is
      // republished (checked by the validator the jobs use).
      Validation verified =
          ModelVersionValidator.signaturesOnly(trusted, ModelBounds.defaults()).verify(target);
      if (!verified.ok()) {
        throw new CliException(
            "version "
                + version
                + " of '"
                + classifier
                + "' does not verify with the trusted keys ("
                + verified.message()
                + "); refusing to re-sign it");
      }
      ModelVersion rolled =
          ModelVersions.signed(
              ModelVersion.newBuilder(target)
                  .setVersion(ModelBounds.nextVersion(classifier, latest.getVersion()))
                  .setParentVersion(version)
                  .setReason("rollback")
                  .setTrainingMs(0)
                  .setCreatedAtMs(System.currentTimeMillis()),
              key);
      RecordMetadata written = clients.publish(rolled);
      out.printf(
          "rolled back '%s': version %d (%s) -> version %d (rollback to version %d, labels %s)%n",
          classifier,
          latest.getVersion(),
          latest.getReason(),
          rolled.getVersion(),
          version,
          String.join(", ", rolled.getLabels()));
      out.printf(
          "  published to %s partition %d offset %d%n",
          written.topic(), written.partition(), written.offset());
      return 0;
    }
  }

  /** The version if this scan found it; otherwise a clear error naming what is still readable. */
  static ModelVersion readable(ModelCatalog catalog, String classifier, int version, String topic) {
    if (catalog.versions(classifier).isEmpty()) {
      throw new CliException("no versions of classifier '" + classifier + "' on " + topic);
    }
    return catalog
        .find(classifier, version)
        .orElseThrow(
            () ->
                new CliException(
                    "version "
                        + version
                        + " of '"
                        + classifier
                        + "' is not readable on "
                        + topic
                        + " (never published, or removed by compaction, which keeps only the"
                        + " latest version per classifier); readable versions: "
                        + catalog.versions(classifier).stream()
                            .map(v -> Integer.toString(v.getVersion()))
                            .collect(Collectors.joining(", "))));
  }
}
