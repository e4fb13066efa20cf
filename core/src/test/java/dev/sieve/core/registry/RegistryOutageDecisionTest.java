package dev.sieve.core.registry;

import static dev.sieve.core.registry.ScriptedRegistryServer.Answer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.content.Checked;
import dev.sieve.core.content.RawContentDecoder;
import dev.sieve.core.content.RejectReason;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decision a job makes on a Confluent-framed record through the real client: a registry that
 * cannot answer fails the attempt (the exception escapes, Flink restarts the job from its
 * checkpoint) and never dead-letters the record; only what a reachable registry says about the id
 * (unknown, not Avro) does.
 */
class RegistryOutageDecisionTest {

  private static final String TOPIC = "sieve.content.raw";
  private static final int RETRIES = 2;

  private ScriptedRegistryServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anUnreachableRegistryFailsTheAttemptAfterItsRetriesAndDeadLettersNothing()
      throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    RawContentDecoder decoder = decoder("http://127.0.0.1:" + closedPort);

    assertThatThrownBy(() -> decoder.decode(framed()))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class,
            e -> assertThat(e.attempts()).isEqualTo(RETRIES + 1));
  }

  @Test
  void aRegistryThatComesBackDecodesTheSameBytesNothingWasCached() {
    server = ScriptedRegistryServer.start(json(503, "{\"error_code\":50001}"));
    RawContentDecoder decoder = decoder(server.url());
    byte[] bytes = framed();

    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOf(RegistryUnavailableException.class);

    server.script(json(200, RestSchemaRegistryClientTest.schemaAnswer(ContentEvent.SCHEMA$)));
    Checked<ContentEvent> decoded = decoder.decode(bytes);
    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value().getId()).isEqualTo("c-1");
  }

  @Test
  void busyAnswersAreRetriedWithinTheCall() {
    server =
        ScriptedRegistryServer.start(
            json(429, "{\"message\":\"slow down\"}"),
            json(408, ""),
            json(200, RestSchemaRegistryClientTest.schemaAnswer(ContentEvent.SCHEMA$)));

    assertThat(decoder(server.url()).decode(framed()).isOk()).isTrue();
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void anIdUnknownToAReachableRegistryIsDeadLettered() {
    server =
        ScriptedRegistryServer.start(
            json(404, "{\"error_code\":40403,\"message\":\"No content with ID '1' was found.\"}"));

    Checked<ContentEvent> decoded = decoder(server.url()).decode(framed());

    assertThat(decoded.isOk()).isFalse();
    assertThat(decoded.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA_ID);
    assertThat(decoded.message()).contains("No content with ID");
  }

  @Test
  void anIdNamingAnotherSchemaTypeIsDeadLetteredAndTheAnswerKept() {
    server =
        ScriptedRegistryServer.start(
            json(200, "{\"schema\":\"{\\\"type\\\":\\\"object\\\"}\",\"schemaType\":\"JSON\"}"));
    RawContentDecoder decoder = decoder(server.url());

    Checked<ContentEvent> decoded = decoder.decode(framed());

    assertThat(decoded.reason()).isEqualTo(RejectReason.WRONG_RECORD_TYPE);
    assertThat(decoded.message()).contains("not a readable Avro schema").contains("JSON");
    assertThat(decoder.decode(framed()).reason()).isEqualTo(RejectReason.WRONG_RECORD_TYPE);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void answersThatSayNothingAboutTheIdFailTheAttemptInsteadOfDeadLettering() {
    // A wrong URL or a proxy answers 404 without a Confluent error code; refused credentials 401.
    for (var answer :
        Map.of(404, "<html>Not Found</html>", 401, "{\"message\":\"Unauthorized\"}").entrySet()) {
      server = ScriptedRegistryServer.start(json(answer.getKey(), answer.getValue()));

      assertThatThrownBy(() -> decoder(server.url()).decode(framed()))
          .as("HTTP %d", answer.getKey())
          .isInstanceOf(SchemaRegistryException.class)
          .isNotInstanceOfAny(
              SchemaNotFoundException.class,
              NotAvroSchemaException.class,
              RegistryUnavailableException.class);
      server.close();
      server = null;
    }
  }

  /** A record as a producer wrote it, naming schema id 1. */
  private static byte[] framed() {
    FakeSchemaRegistryClient producerSide = new FakeSchemaRegistryClient();
    return new ConfluentAvroCodec<>(producerSide, ContentEvent.class)
        .encode(
            TOPIC, ContentEvent.newBuilder().setId("c-1").setText("hi").setTimestampMs(1L).build());
  }

  private static RawContentDecoder decoder(String url) {
    // Every scripted answer comes at once; the request timeout only guards against a hang. At
    // 100 ms it fired on a loaded 2-core machine before the first answer of a cold JVM's HTTP
    // client, and the attempt it cost shifted the scripted answers (408 where 200 was due).
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            RegistryConfig.forUrl(url).withRetries(RETRIES, 10, 2_000, 10_000));
    return new RawContentDecoder(new ConfluentAvroCodec<>(client, ContentEvent.class)::decode);
  }
}
