package dev.sieve.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The new commands' one-line errors, before or instead of any record: no Kafka needed. */
class ClientCommandValidationTest {

  @TempDir Path dir;

  @Test
  void aMissingConfigFileIsOneLine() {
    CliRun r = CliRun.of("stats", "--config", dir.resolve("nope.properties").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo("sieve stats: --config " + dir.resolve("nope.properties") + ": no such file");
  }

  @Test
  void theRegistryUrlIsRequiredByCommandsThatDecode() {
    CliRun r = CliRun.of("tail", "predictions", "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo(
            "sieve tail: missing --registry-url (or schema.registry.url in the --config file)");
  }

  @Test
  void aMissingInputFileIsOneLine() {
    CliRun r =
        CliRun.of(
            "produce", "--file", dir.resolve("x.jsonl").toString(), "--bootstrap-servers", "h:1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo("sieve produce: --file " + dir.resolve("x.jsonl") + ": no such file");
  }

  @Test
  void produceNeedsExactlyOneInputAndAKnownFormat() throws IOException {
    CliRun none = CliRun.of("produce", "--bootstrap-servers", "h:1");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("Missing required argument").contains("--file", "--stdin");

    Path file = Files.writeString(dir.resolve("a.jsonl"), "{}\n");
    CliRun both = CliRun.of("produce", "--file", file.toString(), "--stdin");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");

    CliRun format =
        CliRun.of(
            "produce", "--file", file.toString(), "--format", "xml", "-X", "bootstrap.servers=h:1");
    assertThat(format.exit()).isEqualTo(1);
    assertThat(format.err().strip())
        .isEqualTo("sieve produce: --format: 'xml' is not avro or json");
  }

  @Test
  void tailNamesTheTopicsItKnowsAndWhereClassifierApplies() {
    CliRun unknown = CliRun.of("tail", "prediction", "--bootstrap-servers", "h:1");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("sieve tail: unknown topic 'prediction'; one of: predictions, requests, labels,");

    CliRun content = CliRun.of("tail", "content", "--classifier", "spam");
    assertThat(content.exit()).isEqualTo(1);
    assertThat(content.err().strip())
        .isEqualTo("sieve tail: --classifier does not apply to content: its records have none");
  }

  @Test
  void statsTakesAWindowOrTheBeginningNotBoth() {
    CliRun r =
        CliRun.of("stats", "--window", "5m", "--from-beginning", "--bootstrap-servers", "h:1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo("sieve stats: give either --window or --from-beginning, not both");

    CliRun bad = CliRun.of("stats", "--window", "soon");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("'soon' is not a duration such as 30s, 10m, 500ms or 2h");
  }

  @Test
  void anUnreachableBrokerTimesOutNamingItsAddress() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there once the socket is closed
    }
    String address = "127.0.0.1:" + closed;
    CliRun r =
        CliRun.of(
            "tail",
            "predictions",
            "--bootstrap-servers",
            address,
            "--registry-url",
            "http://127.0.0.1:" + closed + "/apis/ccompat/v7",
            "--timeout",
            "2s");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo(
            "sieve tail: no answer from Kafka at "
                + address
                + " within 2 s: is it running and reachable from here, and do security.protocol"
                + " and the TLS/SASL settings match its listener?");
  }
}
