package dev.sieve.cli.report;

import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SieveClients;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve report}: one self-contained HTML page of what a deployment has done, read from its
 * topics, to open offline, attach to a ticket or archive. Charts show what a table cannot: the
 * class mix drifting, where confidence sits, whether live accuracy agrees with cross-validation.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write one self-contained HTML page with charts (class frequencies over time, prediction"
          + " confidence, live accuracy per model version, drift statistics against their"
          + " thresholds, label requests by reason) and tables (versions, drift alerts, dead"
          + " letters), read from Sieve's topics from their beginning.",
      "The page loads nothing when opened (no script, font or image): it reads offline."
    })
public final class ReportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--out",
      paramLabel = "<file.html>",
      defaultValue = "report.html",
      description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() {
    return ClientCommand.reportingFailures(spec, this::run);
  }

  private int run(PrintWriter stdout, PrintWriter err) throws Exception {
    // charts are drawn with Java 2D onto an SVG canvas: no display needed, or wanted
    System.setProperty("java.awt.headless", "true");
    ConnectionOptions.requireRegistryUrl(connection.properties());
    Instant readAt = Instant.now();
    ReportData data;
    String source;
    try (SieveClients clients = new SieveClients(connection)) {
      data = new ReportReader(clients, connection.topicPrefix()).read();
      source = "Kafka at " + clients.bootstrapServers();
    }
    List<String> absent = data.absentTopics();
    if (!absent.isEmpty()) {
      err.println(
          "warning: topics absent under the prefix '"
              + connection.topicPrefix()
              + "': "
              + String.join(", ", absent)
              + " (wrong --topic-prefix, or run: sieve topics --create)");
    }
    String html = ReportPage.render(data, readAt, source);
    Path target = out.toAbsolutePath();
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    Files.writeString(target, html, StandardCharsets.UTF_8);
    stdout.printf(
        "report written to %s (%,d KB): %s%n",
        target, Math.max(1, Files.size(target) / 1024), data.summary());
    return 0;
  }
}
