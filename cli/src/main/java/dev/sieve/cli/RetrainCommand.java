package dev.sieve.cli;

import dev.sieve.schemas.RetrainRequest;
import java.io.PrintWriter;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sieve retrain <classifier>}: asks retrain-trigger to train a new head now. */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description =
        "Request a retraining of a classifier: writes a RetrainRequest to sieve.retrain.requests.")
final class RetrainCommand extends ClientCommand {

  static final List<String> REASONS = List.of("manual", "drift", "new-labels");

  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "<classifier>")
  String classifier;

  @Option(
      names = "--reason",
      defaultValue = "manual",
      description = "manual, drift or new-labels (default: ${DEFAULT-VALUE}).")
  String reason;

  @Option(names = "--detail", defaultValue = "", description = "Free text kept with the request.")
  String detail;

  @Override
  int run(PrintWriter out, PrintWriter err) throws Exception {
    if (!REASONS.contains(reason)) {
      throw new CliException(
          "--reason: '" + reason + "' is not one of " + String.join(", ", REASONS));
    }
    if (classifier == null || classifier.isBlank()) {
      throw new CliException("the classifier name must not be blank");
    }
    try (SieveClients clients = new SieveClients(connection)) {
      RetrainRequest request =
          RetrainRequest.newBuilder()
              .setClassifier(classifier)
              .setReason(reason)
              .setDetail(detail)
              .setRequestedAtMs(System.currentTimeMillis())
              .build();
      RecordMetadata written = clients.publish(request);
      out.printf(
          "retrain requested for '%s' (reason %s%s): %s partition %d offset %d%n",
          classifier,
          reason,
          detail.isEmpty() ? "" : ", detail \"" + detail + "\"",
          written.topic(),
          written.partition(),
          written.offset());
      return 0;
    }
  }
}
