package dev.sieve.core.registry;

import static dev.sieve.core.registry.ScriptedRegistryServer.Answer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.core.registry.ScriptedRegistryServer.Answer;
import dev.sieve.core.registry.ScriptedRegistryServer.Received;
import dev.sieve.schemas.ContentEvent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestSchemaRegistryClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = ContentEvent.getClassSchema();
  private static final String SUBJECT = "sieve.content.raw-value";

  private ScriptedRegistryServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void retriesA503AndThenSucceeds() {
    server =
        ScriptedRegistryServer.start(
            json(503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request\"}"),
            json(200, schemaAnswer(SCHEMA)));
    RestSchemaRegistryClient client = client(3);

    Schema schema = client.schemaById(7);

    assertThat(schema).isEqualTo(SCHEMA);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(client.requestsSent()).isEqualTo(2);
  }

  @Test
  void givesUpAfterTheLastRetryWithAClearMessage() {
    server =
        ScriptedRegistryServer.start(
            json(503, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}"));
    RestSchemaRegistryClient client = client(3);

    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(4);
              assertThat(e.httpStatus()).isEqualTo(503);
              assertThat(e.errorCode()).isEqualTo(50001);
            })
        .hasMessageContaining(server.url())
        .hasMessageContaining("fetching schema id 7")
        .hasMessageContaining("4 attempt(s)")
        .hasMessageContaining("Error in the backend data store");
    assertThat(server.requestCount()).isEqualTo(4);
  }

  @Test
  void stopsRetryingAtTheMaxRetryTime() {
    server = ScriptedRegistryServer.start(json(500, "oops"));
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            RegistryConfig.forUrl(server.url()).withRetries(100, 50, 2_000, 400));
    long start = System.nanoTime();

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class, e -> assertThat(e.attempts()).isBetween(2, 6));
    // 50 + 100 + 200 ms of backoff fit in 400 ms, the next 400 ms would not (±20 % jitter).
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void retriesTimeoutsThenGivesUp() {
    server = ScriptedRegistryServer.start(Answer.hang());
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            RegistryConfig.forUrl(server.url()).withRetries(1, 10, 200, 5_000));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(2);
              assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
            });
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void connectionRefusedIsRetriedThenUnavailable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(RegistryConfig.forUrl(url).withRetries(2, 10, 1_000, 5_000));

    assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(3);
              assertThat(e.getCause()).isInstanceOf(ConnectException.class);
            })
        .hasMessageContaining(url)
        .hasMessageContaining(
            "registering a schema (dev.sieve.schemas.ContentEvent) under subject"
                + " 'sieve.content.raw-value'")
        .hasMessageContaining("3 attempt(s)")
        .hasMessageContaining("connection refused");
  }

  @Test
  void incompatibleSchemaNamesTheSubjectAndWhatTheRegistrySaid() {
    server =
        ScriptedRegistryServer.start(
            json(
                409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an"
                    + " earlier schema\"}"));
    RestSchemaRegistryClient client = client(3);

    assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
            })
        .hasMessageContaining("subject 'sieve.content.raw-value'")
        .hasMessageContaining("the registry said: Schema being registered is incompatible");
    assertThat(server.requestCount()).as("4xx answers are not retried").isEqualTo(1);
  }

  @Test
  void invalidSchema() {
    server =
        ScriptedRegistryServer.start(
            json(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));

    assertThatThrownBy(() -> client(3).register(SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            InvalidSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(42201))
        .hasMessageContaining("the registry said: Invalid schema");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void notFoundCodesMapToTheirExceptions() {
    server =
        ScriptedRegistryServer.start(
            json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"));
    RestSchemaRegistryClient client = client(3);
    assertThatThrownBy(() -> client.schemaById(42))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(40403);
              assertThat(e.httpStatus()).isEqualTo(404);
            })
        .hasMessageContaining("fetching schema id 42")
        .hasMessageContaining("Schema not found");

    server.script(json(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}"));
    assertThatThrownBy(() -> client.idOf("x", SCHEMA)).isInstanceOf(SubjectNotFoundException.class);

    server.script(json(404, "{\"error_code\":40402,\"message\":\"Version not found.\"}"));
    assertThatThrownBy(() -> client.latest("x")).isInstanceOf(VersionNotFoundException.class);

    server.script(json(404, "<html>Not Found</html>"));
    assertThatThrownBy(() -> client.latest("x"))
        .isExactlyInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("/apis/ccompat/v7")
        .hasMessageContaining("<html>Not Found</html>");
    assertThat(server.requestCount()).isEqualTo(4);
  }

  @Test
  void refusedCredentialsAreNotRetried() {
    server =
        ScriptedRegistryServer.start(
            json(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));

    assertThatThrownBy(() -> client(3).schemaById(1))
        .isExactlyInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("requires authentication")
        .hasMessageContaining("no user and password were sent")
        .hasMessageContaining("basic.auth.user.info");
    assertThat(server.requestCount()).isEqualTo(1);

    // With a user and password the same answer means they are wrong; they are not repeated.
    server.script(json(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));
    RestSchemaRegistryClient withUser =
        new RestSchemaRegistryClient(
            RegistryConfig.forUrl(server.url())
                .withRetries(3, 10, 2_000, 10_000)
                .withBasicAuth("alice:wrong-password"));
    assertThatThrownBy(() -> withUser.schemaById(1))
        .isExactlyInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("refused the user and password in basic.auth.user.info")
        .hasMessageNotContaining("wrong-password");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void registerSendsTheConfluentRequestAndCachesBothDirections() throws IOException {
    server = ScriptedRegistryServer.start(json(200, "{\"id\":12}"));
    RestSchemaRegistryClient client = client(0);

    assertThat(client.register("odd subject/é-value", SCHEMA)).isEqualTo(12);
    assertThat(client.register("odd subject/é-value", SCHEMA)).isEqualTo(12);
    assertThat(client.idOf("odd subject/é-value", SCHEMA)).isEqualTo(12);
    assertThat(client.schemaById(12)).isEqualTo(SCHEMA);

    assertThat(server.requestCount()).isEqualTo(1);
    Received request = server.received().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).isEqualTo("/subjects/odd%20subject%2F%C3%A9-value/versions");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    String sent = JSON.readTree(request.body()).get("schema").asText();
    assertThat(new Schema.Parser().parse(sent)).isEqualTo(SCHEMA);
  }

  @Test
  void schemaByIdIsCached() {
    server = ScriptedRegistryServer.start(json(200, schemaAnswer(SCHEMA)));
    RestSchemaRegistryClient client = client(0);

    client.schemaById(3);
    client.schemaById(3);

    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(server.received().get(0).uri()).isEqualTo("/schemas/ids/3");
  }

  @Test
  void latestVersionIsReadEachTime() throws IOException {
    String answer =
        JSON.writeValueAsString(
            Map.of("subject", SUBJECT, "version", 4, "id", 21, "schema", SCHEMA.toString()));
    server = ScriptedRegistryServer.start(json(200, answer));
    RestSchemaRegistryClient client = client(0);

    assertThat(client.latest(SUBJECT)).isEqualTo(new SchemaVersion(SUBJECT, 4, 21, SCHEMA));
    client.latest(SUBJECT);

    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(server.received().get(0).uri())
        .isEqualTo("/subjects/sieve.content.raw-value/versions/latest");
  }

  @Test
  void compatibilityCheckAndConfig() {
    server = ScriptedRegistryServer.start(json(200, "{\"is_compatible\":false}"));
    RestSchemaRegistryClient client = client(0);
    assertThat(client.isCompatible(SUBJECT, SCHEMA)).isFalse();
    assertThat(server.received().get(0).uri())
        .isEqualTo("/compatibility/subjects/sieve.content.raw-value/versions/latest");

    server.script(json(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}"));
    assertThat(client.isCompatible("new-subject", SCHEMA)).as("no version yet").isTrue();

    server.script(json(200, "{\"compatibilityLevel\":\"FULL\"}"));
    assertThat(client.compatibility(SUBJECT)).isEqualTo("FULL");
    assertThat(server.received().get(2).uri())
        .isEqualTo("/config/sieve.content.raw-value?defaultToGlobal=true");

    server.script(json(200, "{\"compatibility\":\"NONE\"}"));
    client.setCompatibility(null, "NONE");
    Received put = server.received().get(3);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.uri()).isEqualTo("/config");
    assertThat(put.body()).isEqualTo("{\"compatibility\":\"NONE\"}");
  }

  @Test
  void subjectWithoutOwnLevelFallsBackToGlobal() {
    server =
        ScriptedRegistryServer.start(
            json(404, "{\"error_code\":40408,\"message\":\"Subject has no compatibility level\"}"),
            json(200, "{\"compatibilityLevel\":\"BACKWARD\"}"));

    assertThat(client(0).compatibility(SUBJECT)).isEqualTo("BACKWARD");
    assertThat(server.received().get(1).uri()).isEqualTo("/config");
  }

  @Test
  void sendsBasicAuthFromUserInfo() {
    server = ScriptedRegistryServer.start(json(200, schemaAnswer(SCHEMA)));
    RegistryConfig config =
        RegistryConfig.fromProperties(
            Map.of(
                RegistryConfig.URL, server.url(),
                RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                RegistryConfig.BASIC_AUTH_USER_INFO, "sieve:s3cret"));

    new RestSchemaRegistryClient(config).schemaById(1);

    assertThat(server.received().get(0).authorization())
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("sieve:s3cret".getBytes()));
  }

  @Test
  void sendsBasicAuthReadThroughAConfigProviderFromAFile(@TempDir Path dir) throws IOException {
    Path secrets = dir.resolve("registry.properties");
    Files.writeString(secrets, "user.info=sieve:from-a-file\n");
    server = ScriptedRegistryServer.start(json(200, schemaAnswer(SCHEMA)));
    RegistryConfig config =
        RegistryConfig.fromProperties(
            Map.of(
                RegistryConfig.URL,
                server.url(),
                "config.providers",
                "file",
                "config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider",
                RegistryConfig.BASIC_AUTH_USER_INFO,
                "${file:" + secrets + ":user.info}"));

    // The configuration (what a job carries and shows) holds the reference, not the secret.
    assertThat(config.toString()).doesNotContain("from-a-file").contains("${file:");
    new RestSchemaRegistryClient(config).schemaById(1);

    assertThat(server.received().get(0).authorization())
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("sieve:from-a-file".getBytes()));
  }

  @Test
  void anUnresolvableReferenceFailsNamingTheSettingButNotAValue(@TempDir Path dir) {
    RegistryConfig config =
        RegistryConfig.fromProperties(
            Map.of(
                RegistryConfig.URL,
                "http://127.0.0.1:1",
                "config.providers",
                "file",
                "config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider",
                RegistryConfig.BASIC_AUTH_USER_INFO,
                "${file:" + dir.resolve("missing.properties") + ":user.info}"));

    assertThatThrownBy(() -> new RestSchemaRegistryClient(config))
        .hasMessageContaining(RegistryConfig.BASIC_AUTH_USER_INFO);
  }

  @Test
  void rotatesThroughUrlsOnRetry() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    server = ScriptedRegistryServer.start(json(200, schemaAnswer(SCHEMA)));
    RegistryConfig config =
        RegistryConfig.fromProperties(
            Map.of(
                RegistryConfig.URL,
                "http://127.0.0.1:" + closedPort + "," + server.url(),
                RegistryConfig.RETRY_BACKOFF_MS,
                "10"));

    assertThat(new RestSchemaRegistryClient(config).schemaById(1)).isEqualTo(SCHEMA);
  }

  private RestSchemaRegistryClient client(int maxRetries) {
    return new RestSchemaRegistryClient(
        RegistryConfig.forUrl(server.url()).withRetries(maxRetries, 10, 2_000, 10_000));
  }

  static String schemaAnswer(Schema schema) {
    try {
      return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
