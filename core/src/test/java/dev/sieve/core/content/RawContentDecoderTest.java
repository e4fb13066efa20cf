package dev.sieve.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.registry.FakeSchemaRegistryClient;
import dev.sieve.core.registry.RegistryUnavailableException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawContentDecoderTest {

  private static final String TOPIC = "sieve.content.raw";

  private final FakeSchemaRegistryClient registry = new FakeSchemaRegistryClient();
  private final ConfluentAvroCodec<ContentEvent> codec =
      new ConfluentAvroCodec<>(registry, ContentEvent.class);
  private final RawContentDecoder decoder = new RawContentDecoder(codec::decode);

  @Test
  void decodesConfluentAvro() {
    ContentEvent event = ContentSamples.content("a1", "hello");
    event.setSource("app");

    Checked<ContentEvent> decoded = decoder.decode(codec.encode(TOPIC, event));

    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value()).isEqualTo(event);
  }

  @Test
  void decodesJsonWithOptionalFields() {
    byte[] json =
        ContentSamples.json(
            "  {\"id\":\"j1\",\"text\":\"hi\",\"source\":\"web\",\"timestampMs\":1700000000000,"
                + "\"attributes\":{\"lang\":\"en\",\"score\":3,\"ok\":true},\"extra\":[1]}");

    Checked<ContentEvent> decoded = decoder.decode(json);

    assertThat(decoded.isOk()).isTrue();
    assertThat(decoded.value().getId()).isEqualTo("j1");
    assertThat(decoded.value().getText()).isEqualTo("hi");
    assertThat(decoded.value().getSource()).isEqualTo("web");
    assertThat(decoded.value().getTimestampMs()).isEqualTo(1_700_000_000_000L);
    assertThat(decoded.value().getAttributes())
        .containsExactlyInAnyOrderEntriesOf(Map.of("lang", "en", "score", "3", "ok", "true"));
  }

  @Test
  void acceptsANumericIdAndAByteOrderMark() {
    byte[] json = ContentSamples.utf8("\uFEFF{\"id\":42,\"text\":\"t\"}");

    assertThat(decoder.decode(json).value().getId()).isEqualTo("42");
  }

  @Test
  void givesEachMalformedValueItsOwnReason() {
    ConfluentAvroCodec<Label> labels = new ConfluentAvroCodec<>(registry, Label.class);

    ContentSamples.malformed(codec, labels, TOPIC)
        .forEach(
            (reason, value) -> {
              Checked<ContentEvent> decoded = decoder.decode(value);
              // Empty ids and texts are the normaliser's to catch, after decoding.
              if (reason == RejectReason.EMPTY_ID || reason == RejectReason.EMPTY_TEXT) {
                assertThat(decoded.isOk()).as(reason.name()).isTrue();
              } else {
                assertThat(decoded.reason()).as(reason.name()).isEqualTo(reason);
                assertThat(decoded.message()).as(reason.name()).isNotBlank();
              }
            });
  }

  @Test
  void nullIdAndNullTextAreEmptyNotMissing() {
    assertThat(decoder.decode(ContentSamples.json("{\"id\":null,\"text\":\"t\"}")).reason())
        .isEqualTo(RejectReason.EMPTY_ID);
    assertThat(decoder.decode(ContentSamples.json("{\"id\":\"i\",\"text\":null}")).reason())
        .isEqualTo(RejectReason.EMPTY_TEXT);
  }

  @Test
  void rejectsAnEmptyValueAndScalarJson() {
    assertThat(decoder.decode(new byte[0]).reason()).isEqualTo(RejectReason.NOT_AVRO_OR_JSON);
    assertThat(decoder.decode(ContentSamples.json("\"just a string\"")).reason())
        .isEqualTo(RejectReason.JSON_NOT_OBJECT);
    assertThat(decoder.decode(ContentSamples.json("42")).reason())
        .isEqualTo(RejectReason.JSON_NOT_OBJECT);
  }

  @Test
  void rejectsAFrameShorterThanItsHeader() {
    assertThat(decoder.decode(new byte[] {0, 0, 1}).reason())
        .isEqualTo(RejectReason.TRUNCATED_AVRO);
  }

  @Test
  void rejectsWrongFieldTypes() {
    assertThat(
            decoder
                .decode(ContentSamples.json("{\"id\":\"i\",\"text\":\"t\",\"timestampMs\":\"x\"}"))
                .reason())
        .isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(
            decoder
                .decode(
                    ContentSamples.json("{\"id\":\"i\",\"text\":\"t\",\"attributes\":{\"a\":{}}}"))
                .reason())
        .isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(decoder.decode(ContentSamples.json("{\"id\":[1],\"text\":\"t\"}")).reason())
        .isEqualTo(RejectReason.INVALID_FIELD);
  }

  @Test
  void rejectsDuplicateJsonKeysAndTrailingGarbage() {
    assertThat(
            decoder
                .decode(ContentSamples.json("{\"id\":\"a\",\"id\":\"b\",\"text\":\"t\"}"))
                .reason())
        .isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(decoder.decode(ContentSamples.json("{\"id\":\"a\",\"text\":\"t\"} {}")).reason())
        .isEqualTo(RejectReason.MALFORMED_JSON);
  }

  @Test
  void letsARegistryOutageFailTheRecordInsteadOfDeadLetteringIt() {
    RawContentDecoder down =
        new RawContentDecoder(
            bytes -> {
              throw new RegistryUnavailableException("registry down", 3, -1, 503, null);
            });

    assertThatThrownBy(() -> down.decode(codec.encode(TOPIC, ContentSamples.content("a", "b"))))
        .isInstanceOf(RegistryUnavailableException.class);
  }
}
