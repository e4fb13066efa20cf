package dev.sieve.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sieve.cli.CliException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reading Flink's {@code /jobs/overview}: the parser on Flink's JSON, and the HTTP call against a
 * small fake REST server on 127.0.0.1 (status codes, a closed port, a body that is not JSON).
 */
class FlinkJobsTest {

  /** The shape Flink 2.x answers with, trimmed to the fields read plus some that are not. */
  static final String OVERVIEW =
      """
      {"jobs":[
        {"jid":"a1","name":"sieve ingest-job","start-time":1767225600000,"end-time":-1,
         "duration":7384000,"state":"RUNNING","last-modification":1767225601000,
         "tasks":{"running":3,"total":3}},
        {"jid":"b0","name":"sieve inference-job","start-time":1767200000000,"end-time":1767210000000,
         "duration":10000000,"state":"CANCELED"},
        {"jid":"b1","name":"sieve inference-job","start-time":1767225000000,"end-time":-1,
         "duration":45000,"state":"RESTARTING"},
        {"jid":"c1","name":"someone else's job","start-time":1767225600000,"duration":1,
         "state":"RUNNING"}
      ]}
      """;

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void keepsOnlySieveJobsAndTheLatestRunOfEach() {
    List<FlinkJobs.Job> jobs = FlinkJobs.parse(OVERVIEW, "test");

    assertThat(jobs)
        .containsExactly(
            new FlinkJobs.Job("sieve inference-job", "RESTARTING", 1767225000000L, 45000),
            new FlinkJobs.Job("sieve ingest-job", "RUNNING", 1767225600000L, 7384000));
  }

  @Test
  void anEmptyClusterHasNoJobs() {
    assertThat(FlinkJobs.parse("{\"jobs\":[]}", "test")).isEmpty();
  }

  @Test
  void somethingThatIsNotAnOverviewIsOneClearLine() {
    assertThatThrownBy(() -> FlinkJobs.parse("<html>login</html>", "http://x/jobs/overview"))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("http://x/jobs/overview did not answer with JSON: ");
    assertThatThrownBy(() -> FlinkJobs.parse("{\"errors\":[\"nope\"]}", "http://x/jobs/overview"))
        .isInstanceOf(CliException.class)
        .hasMessage("http://x/jobs/overview did not answer with a job overview (no \"jobs\" list)");
  }

  @Test
  void fetchesTheOverviewOverHttp() throws IOException {
    AtomicReference<String> asked = new AtomicReference<>();
    String url = serve(200, OVERVIEW, asked);

    List<FlinkJobs.Job> jobs = FlinkJobs.fetch(url + "/", Duration.ofSeconds(10));

    assertThat(asked.get()).isEqualTo("/jobs/overview");
    assertThat(jobs)
        .extracting(FlinkJobs.Job::name)
        .containsExactly("sieve inference-job", "sieve ingest-job");
  }

  @Test
  void anErrorStatusIsOneLine() throws IOException {
    String url = serve(503, "{\"errors\":[\"Service temporarily unavailable\"]}", null);

    assertThatThrownBy(() -> FlinkJobs.fetch(url, Duration.ofSeconds(10)))
        .isInstanceOf(CliException.class)
        .hasMessage("Flink's REST API at " + url + "/jobs/overview answered HTTP 503");
  }

  @Test
  void aClosedPortIsOneLineNamingTheUrl() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;

    assertThatThrownBy(() -> FlinkJobs.fetch(url, Duration.ofSeconds(10)))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith(
            "cannot reach Flink's REST API at "
                + url
                + ": connection refused (nothing listening, or unreachable) ")
        .hasMessageEndingWith(
            "(is the JobManager running, and is this its REST address, e.g. http://host:8081?)")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aUrlThatIsNotHttpIsNamed() {
    assertThatThrownBy(() -> FlinkJobs.fetch("127.0.0.1:8081", Duration.ofSeconds(1)))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("--flink-url 127.0.0.1:8081 is not");
  }

  private String serve(int status, String body, AtomicReference<String> asked) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          if (asked != null) {
            asked.set(exchange.getRequestURI().getPath());
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
