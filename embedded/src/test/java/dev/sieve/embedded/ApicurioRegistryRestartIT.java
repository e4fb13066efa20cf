package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry keeps its schemas, ids and rules across a restart (graceful or a crash), on the same
 * URL, and never hands out an id twice: records already in Kafka name those ids.
 */
class ApicurioRegistryRestartIT {

  private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void schemasIdsAndRulesSurviveAStopAndACrashOnTheSameUrl() throws Exception {
    Path dir;
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      dir = registry.dataDir();
      String url = registry.confluentApiUrl();
      int first = register(url, "orders-value", record("Order", "id"));
      int second = register(url, "orders-value", record("Order", "id", "note"));
      int other = register(url, "users-value", record("User", "name"));
      long firstPid = registry.pid();

      registry.stop();
      assertThat(registry.isRunning()).isFalse();
      assertThatThrownBy(() -> get(url, "/schemas/ids/" + first))
          .isInstanceOf(ConnectException.class);

      registry.restart();

      assertThat(registry.confluentApiUrl()).isEqualTo(url);
      assertThat(registry.pid()).isNotEqualTo(firstPid);
      assertThat(schemaText(url, first)).contains("Order").doesNotContain("note");
      assertThat(schemaText(url, second)).contains("Order").contains("note");
      assertThat(schemaText(url, other)).contains("User");
      assertThat(get(url, "/config").body()).contains("\"BACKWARD\"");
      // BACKWARD still enforced: a required field without default cannot be added.
      assertThat(post(url, "/subjects/orders-value/versions", record("Order", "id", "+amount")))
          .extracting(HttpResponse::statusCode)
          .isEqualTo(409);
      // Same schema, same id; a new schema, a fresh id.
      assertThat(register(url, "orders-value", record("Order", "id"))).isEqualTo(first);
      int fresh = register(url, "payments-value", record("Payment", "id"));
      assertThat(fresh).isNotIn(first, second, other).isGreaterThan(Math.max(second, other));

      // A crash right after an acknowledged registration loses neither the schema nor its id.
      int beforeCrash = register(url, "refunds-value", record("Refund", "id"));
      ProcessHandle.of(registry.pid()).orElseThrow().destroyForcibly();
      registry.restart();
      assertThat(schemaText(url, beforeCrash)).contains("Refund");
      int afterCrash = register(url, "invoices-value", record("Invoice", "id"));
      assertThat(afterCrash).isNotIn(first, second, other, fresh, beforeCrash);
      assertThat(get(url, "/config").body()).contains("\"BACKWARD\"");

      assertThat(ListeningSockets.tcpListeners(registry.pid()))
          .extracting(InetSocketAddress::getPort)
          .containsExactly(registry.port());
      assertThat(ListeningSockets.tcpListeners(registry.pid()))
          .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    }
    assertThat(dir).doesNotExist(); // start() is for tests: its temporary directory goes on close
  }

  @Test
  void aDataDirectoryOutlivesItsRegistry(@TempDir Path parent) throws Exception {
    Path dataDir = parent.resolve("registry");
    int id;
    int port;
    String url;
    try (ApicurioRegistry registry = ApicurioRegistry.start(dataDir, 0)) {
      url = registry.confluentApiUrl();
      port = registry.port();
      id = register(url, "orders-value", record("Order", "id"));
      // A rule changed by the user is theirs: a later start must not reset it to BACKWARD.
      assertThat(put(url, "/config", "{\"compatibility\":\"FULL\"}").statusCode()).isEqualTo(200);
    }
    assertThat(dataDir.resolve("registry.mv.db")).isRegularFile();

    try (ApicurioRegistry again = ApicurioRegistry.start(dataDir, port)) {
      assertThat(again.confluentApiUrl()).isEqualTo(url);
      assertThat(schemaText(url, id)).contains("Order");
      assertThat(get(url, "/config").body()).contains("\"FULL\"");
      assertThat(register(url, "orders-value", record("Order", "id"))).isEqualTo(id);
    }
    assertThat(dataDir.resolve("registry.mv.db")).isRegularFile();
    // Both runs appended to one log: the first created the database, the second opened it.
    assertThat(Files.readString(dataDir.resolve("registry.log")))
        .containsPattern("(?s)Database not initialized\\..*Database was already initialized");
  }

  /**
   * An Avro record schema as a Confluent request body; a field name starting with {@code +} is
   * added without a default, the others after the first are optional strings.
   */
  private static String record(String name, String... fields) {
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i];
      if (i > 0) {
        json.append(',');
      }
      if (f.startsWith("+")) {
        json.append("{\"name\":\"").append(f.substring(1)).append("\",\"type\":\"long\"}");
      } else if (i == 0) {
        json.append("{\"name\":\"").append(f).append("\",\"type\":\"string\"}");
      } else {
        json.append("{\"name\":\"")
            .append(f)
            .append("\",\"type\":[\"null\",\"string\"],\"default\":null}");
      }
    }
    String schema = "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[" + json + "]}";
    return "{\"schema\":\"" + schema.replace("\"", "\\\"") + "\"}";
  }

  private int register(String url, String subject, String body) throws Exception {
    HttpResponse<String> answer = post(url, "/subjects/" + subject + "/versions", body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    Matcher id = ID.matcher(answer.body());
    assertThat(id.find()).as(answer.body()).isTrue();
    return Integer.parseInt(id.group(1));
  }

  private String schemaText(String url, int id) throws Exception {
    HttpResponse<String> answer = get(url, "/schemas/ids/" + id);
    assertThat(answer.statusCode()).as("schema id %d: %s", id, answer.body()).isEqualTo(200);
    return answer.body();
  }

  private HttpResponse<String> get(String url, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path)).header("Accept", CONFLUENT_JSON).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", CONFLUENT_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(String url, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", CONFLUENT_JSON)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
