package dev.sieve.core.content;

import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.schemas.ContentEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Tells Confluent-framed Avro from JSON by the first byte, and decodes either into a {@link
 * ContentEvent}, or into the reason it cannot be one:
 *
 * <ul>
 *   <li>first byte 0: Confluent-framed Avro, read through the schema registry;
 *   <li>first byte another ASCII control byte (not tab, CR or LF): a binary frame with a wrong
 *       magic byte — no text, and no JSON, starts that way;
 *   <li>otherwise: UTF-8 text that must be a JSON object.
 * </ul>
 *
 * <p>Registry outages are not the record's fault: they propagate, so the job fails and restarts
 * from its checkpoint instead of dead-lettering good data. Thread-safe if the Avro reader is.
 */
public final class RawContentDecoder {

  /** Decodes Confluent-framed Avro; throws {@link AvroDecodeException} for bad bytes. */
  @FunctionalInterface
  public interface AvroReader {
    ContentEvent read(byte[] confluentFramed);
  }

  private final AvroReader avro;
  private final JsonContentParser json = new JsonContentParser();

  public RawContentDecoder(AvroReader avro) {
    this.avro = Objects.requireNonNull(avro, "avro");
  }

  public Checked<ContentEvent> decode(byte[] value) {
    if (value == null) {
      return Checked.rejected(RejectReason.TOMBSTONE, "the record value is null (a tombstone)");
    }
    if (value.length == 0) {
      return Checked.rejected(RejectReason.NOT_AVRO_OR_JSON, "the record value is empty");
    }
    int first = value[0] & 0xff;
    if (first == 0) {
      return decodeAvro(value);
    }
    if (first < 0x20 && first != '\t' && first != '\n' && first != '\r') {
      return Checked.rejected(
          RejectReason.BAD_MAGIC_BYTE,
          String.format(
              "binary value with first byte 0x%02x; Confluent-framed Avro starts with magic byte 0",
              first));
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      return startsLikeJson(new String(value, StandardCharsets.ISO_8859_1))
          ? Checked.rejected(
              RejectReason.INVALID_UTF8, "the value is not valid UTF-8: " + e.getMessage())
          : Checked.rejected(
              RejectReason.NOT_AVRO_OR_JSON,
              "binary value that is neither Confluent-framed Avro nor UTF-8 JSON");
    }
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1); // a UTF-8 byte order mark, written by some editors and tools
    }
    return json.parse(text, startsLikeJson(text));
  }

  private Checked<ContentEvent> decodeAvro(byte[] value) {
    try {
      return Checked.ok(avro.read(value));
    } catch (AvroDecodeException e) {
      RejectReason reason =
          switch (e.reason()) {
            case BAD_MAGIC_BYTE -> RejectReason.BAD_MAGIC_BYTE;
            case UNKNOWN_SCHEMA_ID -> RejectReason.UNKNOWN_SCHEMA_ID;
            case WRONG_RECORD_TYPE -> RejectReason.WRONG_RECORD_TYPE;
            case TOO_SHORT, TRUNCATED -> RejectReason.TRUNCATED_AVRO;
            case MALFORMED_AVRO -> RejectReason.MALFORMED_AVRO;
          };
      return Checked.rejected(reason, e.getMessage());
    }
  }

  private static boolean startsLikeJson(String text) {
    String stripped = text.stripLeading();
    return !stripped.isEmpty() && (stripped.charAt(0) == '{' || stripped.charAt(0) == '[');
  }
}
