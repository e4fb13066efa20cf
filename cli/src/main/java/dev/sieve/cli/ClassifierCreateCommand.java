package dev.sieve.cli;

import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ModelVersion;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sieve classifier create}: declares a classifier by publishing a signed zero-shot version
 * (its head scores texts by similarity to the label descriptions, embedded by the real network), so
 * it predicts before anyone labels anything.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Declare a classifier: publish a signed zero-shot version (version 0) to sieve.models.",
      "Refuses if the classifier already has a version, unless --force (then: latest + 1)."
    })
final class ClassifierCreateCommand extends ClientCommand {

  @Mixin ConnectionOptions connection;
  @Mixin SigningKeyOption signing;

  @Parameters(index = "0", paramLabel = "<name>", description = "Classifier name.")
  String name;

  @Option(
      names = "--labels",
      required = true,
      split = ",",
      paramLabel = "<label>",
      description = "Labels, comma-separated, at least two distinct.")
  List<String> labels;

  @Option(
      names = "--descriptions",
      split = "\\|",
      paramLabel = "<description>",
      description =
          "One description per label, separated by '|', in label order (default: the label names).")
  List<String> descriptions;

  @Option(
      names = "--embedding-model",
      defaultValue = "all-minilm-l6-v2-q",
      description =
          "Embedding network the head is built on; must be the one the inference job serves"
              + " (default: ${DEFAULT-VALUE}).")
  String embeddingModel;

  @Option(
      names = "--force",
      description = "Publish a new zero-shot version even if the classifier has versions.")
  boolean force;

  @Override
  int run(PrintWriter out, PrintWriter err) throws Exception {
    List<String> cleanLabels = validLabels(labels);
    List<String> cleanDescriptions = validDescriptions(descriptions, cleanLabels.size());
    String badName = ModelBounds.classifierNameProblem(name);
    if (badName != null) {
      throw new CliException(badName);
    }
    EmbeddingModel model = EmbeddingModel.byId(embeddingModel);
    try (SieveClients clients = new SieveClients(connection)) {
      SigningKey key = signing.require(clients.properties());
      Optional<ModelVersion> existing = clients.readModels(err).latest(name);
      if (existing.isPresent() && !force) {
        throw new CliException(
            "classifier '"
                + name
                + "' already exists (latest version "
                + existing.get().getVersion()
                + ", reason "
                + existing.get().getReason()
                + "); use --force to publish a new zero-shot version");
      }
      // 0: the zero-shot cold start
      int version = existing.map(v -> ModelBounds.nextVersion(name, v.getVersion())).orElse(0);
      ModelVersion zeroShot;
      try (EmbedderHandle embedder = SharedEmbedders.acquire(model, EmbedderOptions.defaults())) {
        zeroShot =
            ModelVersions.zeroShot(name, version, cleanLabels, cleanDescriptions, embedder, key);
      }
      if (existing.isPresent()) {
        // the signature covers the parent too: sign the version with its lineage
        zeroShot =
            ModelVersions.signed(
                ModelVersion.newBuilder(zeroShot).setParentVersion(existing.get().getVersion()),
                key);
      }
      RecordMetadata written = clients.publish(zeroShot);
      out.printf(
          "classifier '%s' %s: version %d (zero-shot%s), labels %s%n",
          name,
          existing.isPresent() ? "re-declared" : "created",
          version,
          existing.isPresent() ? ", replaces version " + existing.get().getVersion() : "",
          String.join(", ", cleanLabels));
      out.printf(
          "  embedding %s (sha256 %s), head %d bytes, digest %s, signed by key %s%n",
          zeroShot.getEmbeddingModelId(),
          ModelTables.shortDigest(zeroShot.getEmbeddingModelDigest()),
          ModelVersions.headBytes(zeroShot).length,
          ModelTables.shortDigest(zeroShot.getDigest()),
          zeroShot.getKeyId());
      out.printf(
          "  published to %s partition %d offset %d%n",
          written.topic(), written.partition(), written.offset());
      return 0;
    }
  }

  static List<String> validLabels(List<String> given) {
    List<String> clean = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String label : given == null ? List.<String>of() : given) {
      String l = label.strip();
      if (l.isEmpty()) {
        throw new CliException("--labels: labels must not be blank");
      }
      if (!seen.add(l)) {
        throw new CliException("--labels: '" + l + "' is given twice");
      }
      clean.add(l);
    }
    if (clean.size() < 2) {
      throw new CliException("--labels: give at least two distinct labels, e.g. --labels spam,ham");
    }
    return clean;
  }

  static List<String> validDescriptions(List<String> given, int labels) {
    if (given == null || given.isEmpty()) {
      return List.of();
    }
    List<String> clean = given.stream().map(String::strip).toList();
    if (clean.size() != labels) {
      throw new CliException(
          "--descriptions: "
              + clean.size()
              + " description(s) for "
              + labels
              + " labels; give one per label, separated by '|'");
    }
    if (clean.stream().anyMatch(String::isEmpty)) {
      throw new CliException("--descriptions: descriptions must not be blank");
    }
    return clean;
  }
}
