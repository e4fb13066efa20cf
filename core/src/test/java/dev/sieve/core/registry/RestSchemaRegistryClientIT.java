package dev.sieve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.embedded.SharedStack;
import dev.sieve.schemas.ContentEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real Apicurio Registry serving the Confluent API (BACKWARD globally). */
class RestSchemaRegistryClientIT {

  private static final Schema V1 = ContentEvent.getClassSchema();

  /** V1 plus an optional field with a default: a BACKWARD-compatible next version. */
  private static final Schema V2_COMPATIBLE =
      withExtraField("{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null}");

  /** V1 plus a required field without default: new readers cannot read old data. */
  private static final Schema V2_INCOMPATIBLE =
      withExtraField("{\"name\":\"tenant\",\"type\":\"string\"}");

  private static RestSchemaRegistryClient client;

  @BeforeAll
  static void connect() {
    client = RestSchemaRegistryClient.forUrl(SharedStack.get().registryUrl());
  }

  @Test
  void sameSchemaGetsTheSameIdEvenAcrossSubjects() {
    String a = subject();
    String b = subject();

    int first = client.register(a, V1);
    int again = RestSchemaRegistryClient.forUrl(SharedStack.get().registryUrl()).register(a, V1);
    int elsewhere = client.register(b, V1);

    assertThat(again).isEqualTo(first);
    assertThat(elsewhere).as("same content, canonical hash").isEqualTo(first);
    assertThat(client.idOf(b, V1)).isEqualTo(first);
  }

  @Test
  void schemaByIdReturnsAnEqualSchema() {
    int id = client.register(subject(), V1);

    Schema fetched =
        RestSchemaRegistryClient.forUrl(SharedStack.get().registryUrl()).schemaById(id);

    assertThat(fetched).isEqualTo(V1);
  }

  @Test
  void latestIsTheNewestVersion() {
    String subject = subject();
    client.register(subject, V1);
    int id2 = client.register(subject, V2_COMPATIBLE);

    SchemaVersion latest = client.latest(subject);

    assertThat(latest.subject()).isEqualTo(subject);
    assertThat(latest.version()).isEqualTo(2);
    assertThat(latest.id()).isEqualTo(id2);
    assertThat(latest.schema()).isEqualTo(V2_COMPATIBLE);
  }

  @Test
  void incompatibleChangeIsRefusedWithAClearMessage() {
    String subject = subject();
    client.register(subject, V1);

    assertThat(client.isCompatible(subject, V2_COMPATIBLE)).isTrue();
    assertThat(client.isCompatible(subject, V2_INCOMPATIBLE)).isFalse();
    assertThatThrownBy(() -> client.register(subject, V2_INCOMPATIBLE))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.httpStatus()).isEqualTo(409))
        .hasMessageContaining("subject '" + subject + "'")
        .hasMessageContaining("the registry said:");
  }

  @Test
  void unknownThingsMapToTheirExceptions() {
    assertThatThrownBy(() -> client.schemaById(987_654_321))
        .isInstanceOf(SchemaNotFoundException.class);
    assertThatThrownBy(() -> client.latest(subject())).isInstanceOf(SubjectNotFoundException.class);
    String subject = subject();
    client.register(subject, V1);
    assertThatThrownBy(() -> client.idOf(subject, V2_COMPATIBLE))
        .isInstanceOf(SchemaNotFoundException.class);
    assertThat(client.isCompatible(subject(), V1)).as("no subject yet").isTrue();
  }

  @Test
  void compatibilityLevelsPerSubjectAndGlobal() {
    String subject = subject();
    client.register(subject, V1);

    assertThat(client.compatibility(null)).isEqualTo("BACKWARD");
    assertThat(client.compatibility(subject)).isEqualTo("BACKWARD");

    // FORWARD, not NONE: Apicurio stores a subject-level NONE as "no rule", so the global
    // BACKWARD would still apply.
    client.setCompatibility(subject, "FORWARD");

    assertThat(client.compatibility(subject)).isEqualTo("FORWARD");
    assertThat(client.compatibility(null)).as("global level untouched").isEqualTo("BACKWARD");
    assertThat(client.isCompatible(subject, V2_INCOMPATIBLE))
        .as("old readers ignore the new field")
        .isTrue();
    assertThat(client.register(subject, V2_INCOMPATIBLE)).isPositive();
  }

  @Test
  void unreachableRegistryGivesUpWithinTheRetryBudget() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    RegistryConfig config =
        RegistryConfig.forUrl("http://127.0.0.1:" + closedPort + "/apis/ccompat/v7")
            .withRetries(3, 100, 1_000, 2_000);
    long start = System.nanoTime();

    assertThatThrownBy(() -> new RestSchemaRegistryClient(config).schemaById(1))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class, e -> assertThat(e.attempts()).isEqualTo(4))
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("4 attempt(s)");
    // 100 + 200 + 400 ms of backoff (±20 %) and four refused connections: well under 3 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  private static String subject() {
    return "it-registry-" + UUID.randomUUID() + "-value";
  }

  private static Schema withExtraField(String field) {
    return new Schema.Parser()
        .parse(V1.toString().replace("\"fields\":[", "\"fields\":[" + field + ","));
  }
}
