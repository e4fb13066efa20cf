package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A registry started with {@link ApicurioRegistry#startSecured} serves only clients that
 * authenticate with HTTP basic auth as one of its users, on every API, also after a restart; its
 * health probe stays open, and no password is on its command line, in its environment or in its
 * files.
 */
class ApicurioRegistrySecuredIT {

  private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
  private static final String SCHEMA =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Order\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void onlyItsUsersGetAnAnswerAndTheirPasswordsStayOutOfSight() throws Exception {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("operator", "op-" + UUID.randomUUID());
    users.put("jobs", "jobs-" + UUID.randomUUID());
    try (ApicurioRegistry registry = ApicurioRegistry.startSecured(users)) {
      assertThat(registry.isSecured()).isTrue();
      String url = registry.confluentApiUrl();
      String operator = basic("operator", users.get("operator"));
      String jobs = basic("jobs", users.get("jobs"));

      // No credentials, a wrong password, an unknown user: 401 with a basic challenge.
      HttpResponse<String> anonymous = get(url + "/subjects", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("www-authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("basic"));
      assertThat(get(url + "/subjects", basic("operator", "not-the-password")).statusCode())
          .isEqualTo(401);
      assertThat(get(url + "/subjects", basic("nobody", users.get("operator"))).statusCode())
          .isEqualTo(401);
      assertThat(post(url + "/subjects/orders-value/versions", SCHEMA, null).statusCode())
          .isEqualTo(401);

      // The right credentials: register as one user, read back as another; the start-up set the
      // global rule with credentials too.
      int id = register(url, operator);
      HttpResponse<String> fetched = get(url + "/schemas/ids/" + id, jobs);
      assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
      assertThat(fetched.body()).contains("Order");
      assertThat(get(url + "/config", jobs).body()).contains("\"BACKWARD\"");
      assertThat(get(url + "/schemas/ids/" + id, null).statusCode()).isEqualTo(401);

      // The native API and the UI are closed as well; the health probe is open.
      String base = "http://" + FreePorts.LOOPBACK + ":" + registry.port();
      assertThat(get(base + "/apis/registry/v3/groups", null).statusCode()).isEqualTo(401);
      assertThat(get(base + "/apis/registry/v3/groups", operator).statusCode()).isEqualTo(200);
      assertThat(get(base + "/ui", null).statusCode()).isEqualTo(401);
      assertThat(get(base + "/health/ready", null).statusCode()).isEqualTo(200);

      // No password on the child's command line, in its environment or in its files.
      String commandLine =
          ProcessHandle.of(registry.pid()).orElseThrow().info().commandLine().orElseThrow();
      String environment =
          new String(
              Files.readAllBytes(Path.of("/proc/" + registry.pid() + "/environ")),
              StandardCharsets.UTF_8);
      Path authFile = registry.dataDir().resolve(ApicurioRegistry.AUTH_CONFIG);
      assertThat(Files.getPosixFilePermissions(authFile))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      for (String password : users.values()) {
        assertThat(commandLine).doesNotContain(password);
        assertThat(environment).doesNotContain(password);
        try (var files = Files.walk(registry.dataDir())) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                .as("%s", file)
                .doesNotContain(password);
          }
        }
      }

      // A restart keeps the users (and the schema).
      registry.restart();
      assertThat(get(url + "/schemas/ids/" + id, null).statusCode()).isEqualTo(401);
      assertThat(get(url + "/schemas/ids/" + id, jobs).body()).contains("Order");
    }
  }

  private int register(String url, String authorization) throws Exception {
    HttpResponse<String> answer =
        post(url + "/subjects/orders-value/versions", SCHEMA, authorization);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    Matcher id = ID.matcher(answer.body());
    assertThat(id.find()).as(answer.body()).isTrue();
    return Integer.parseInt(id.group(1));
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> get(String url, String authorization) throws Exception {
    // The Confluent API answers its own JSON type, the native API plain JSON.
    String accept = url.contains("/apis/ccompat/") ? CONFLUENT_JSON : "application/json";
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", CONFLUENT_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
