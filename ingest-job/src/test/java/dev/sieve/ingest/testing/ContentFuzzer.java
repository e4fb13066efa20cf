package dev.sieve.ingest.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sieve.core.content.RejectReason;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.testkit.Fuzz;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded payloads for {@code sieve.content.raw}: valid content in both wire forms, mutations of it
 * (bit flips, truncation, extension, huge Avro length prefixes), the 13-byte frame claiming ~1 GB,
 * random bytes, unpaired surrogates, and every thousandth record a heavy one (10,000-deep JSON, a
 * 100 KB id, thousands of attributes, a 100 KB text). Each comes with what ingest-job must do with
 * it, where that is known without running the decoder: accept it, or reject it for one reason.
 */
public final class ContentFuzzer {

  /** What a payload must become: accepted as {@code id}, rejected for {@code reason}, or either. */
  public record Expect(String id, RejectReason reason) {

    static final Expect ANY = new Expect(null, null);

    static Expect accepted(String id) {
      return new Expect(id, null);
    }

    static Expect rejected(RejectReason reason) {
      return new Expect(null, reason);
    }
  }

  /** One record to send: its value (null for a tombstone) and what must become of it. */
  public record Payload(byte[] value, Expect expect) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes every non-ASCII character as a \\u escape, unpaired surrogates included. */
  private static final ObjectMapper ASCII_JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final List<String> WORDS =
      List.of(
          "order",
          "refund",
          "late",
          "parcel",
          "great",
          "app",
          "crash",
          "caf\u00e9",
          "na\u00efve",
          "\u00fcber",
          "\u65e5\u672c",
          "\uD83D\uDE00",
          "\u0645\u0631\u062D\u0628\u0627",
          "ok");

  private final ConfluentAvroCodec<ContentEvent> codec;
  private final String topic;
  private final Random random;

  public ContentFuzzer(ConfluentAvroCodec<ContentEvent> codec, String topic, Random random) {
    this.codec = codec;
    this.topic = topic;
    this.random = random;
  }

  /** The {@code i}-th payload; ids made from {@code i} are unique to it. */
  public Payload next(int i) {
    if (i % 1_000 == 999) {
      return heavy(i / 1_000);
    }
    int kind = random.nextInt(1_000);
    if (kind < 150) {
      return new Payload(avro(event("a" + i)), Expect.accepted("a" + i));
    }
    if (kind < 300) {
      return new Payload(json(event("j" + i)), Expect.accepted("j" + i));
    }
    if (kind < 450) {
      return new Payload(Fuzz.flipBits(avro(event("a" + i)), 5, random), Expect.ANY);
    }
    if (kind < 500) {
      return new Payload(Fuzz.flipBits(avro(event("a" + i)), 0, random), Expect.ANY);
    }
    if (kind < 550) {
      byte[] cut = Fuzz.truncate(avro(event("a" + i)), random);
      // Avro is prefix-free: no strict prefix of a record is a record.
      return new Payload(
          cut,
          Expect.rejected(
              cut.length == 0 ? RejectReason.NOT_AVRO_OR_JSON : RejectReason.TRUNCATED_AVRO));
    }
    if (kind < 600) {
      return new Payload(
          Fuzz.extend(avro(event("a" + i)), random), Expect.rejected(RejectReason.MALFORMED_AVRO));
    }
    if (kind < 650) {
      long claimed = random.nextBoolean() ? 1L << (20 + random.nextInt(43)) : -random.nextInt();
      return new Payload(Fuzz.spliceHugeLength(avro(event("a" + i)), claimed, random), Expect.ANY);
    }
    if (kind < 750) {
      return new Payload(Fuzz.flipBits(json(event("j" + i)), 0, random), Expect.ANY);
    }
    if (kind < 800) {
      return new Payload(Fuzz.truncate(json(event("j" + i)), random), Expect.ANY);
    }
    if (kind < 850) {
      return new Payload(Fuzz.extend(json(event("j" + i)), random), Expect.ANY);
    }
    if (kind < 900) {
      return surrogates(i);
    }
    if (kind < 980) {
      return new Payload(Fuzz.randomBytes(random.nextInt(200), random), Expect.ANY);
    }
    return new Payload(
        Fuzz.frameClaiming(schemaId(), (1L << 29) + random.nextInt(1 << 30)),
        Expect.rejected(RejectReason.TRUNCATED_AVRO));
  }

  /** Unpaired surrogates: escaped in JSON text they are removed; as raw bytes, not UTF-8. */
  private Payload surrogates(int i) {
    ContentEvent event = event("s" + i);
    event.setText(event.getText() + " \uD800 x \uDFFF");
    if (random.nextBoolean()) {
      return new Payload(json(event, ASCII_JSON), Expect.accepted("s" + i));
    }
    String text = new String(json(event, ASCII_JSON), StandardCharsets.US_ASCII);
    byte[] cesu = text.replace("\\uD800", "@@@").getBytes(StandardCharsets.UTF_8);
    int at = new String(cesu, StandardCharsets.ISO_8859_1).indexOf("@@@");
    cesu[at] = (byte) 0xED; // U+D800 written as if it were a character: not UTF-8
    cesu[at + 1] = (byte) 0xA0;
    cesu[at + 2] = (byte) 0x80;
    return new Payload(cesu, Expect.rejected(RejectReason.INVALID_UTF8));
  }

  private Payload heavy(int n) {
    String id = "h" + n;
    return switch (n % 8) {
      case 0 ->
          new Payload(
              Fuzz.deepJson(10_000).getBytes(StandardCharsets.UTF_8),
              Expect.rejected(RejectReason.MALFORMED_JSON));
      case 1 ->
          new Payload(json(event("i".repeat(100_000))), Expect.rejected(RejectReason.ID_TOO_LONG));
      case 2 ->
          new Payload(avro(event("i".repeat(100_000))), Expect.rejected(RejectReason.ID_TOO_LONG));
      case 3 -> new Payload(json(withAttributes(id, 5_000)), tooManyAttributes());
      case 4 -> new Payload(avro(withAttributes(id, 5_000)), tooManyAttributes());
      case 5 -> {
        ContentEvent event = event(id);
        event.setText("t".repeat(100_000));
        yield new Payload(json(event), Expect.rejected(RejectReason.TEXT_TOO_LONG));
      }
      case 6 -> new Payload(null, Expect.rejected(RejectReason.TOMBSTONE));
      default ->
          new Payload(
              Fuzz.frameClaiming(schemaId(), 1_000_000_000L),
              Expect.rejected(RejectReason.TRUNCATED_AVRO));
    };
  }

  private static Expect tooManyAttributes() {
    return Expect.rejected(RejectReason.TOO_MANY_ATTRIBUTES);
  }

  private ContentEvent withAttributes(String id, int count) {
    ContentEvent event = event(id);
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int a = 0; a < count; a++) {
      attributes.put("k" + a, "v" + a);
    }
    event.setAttributes(attributes);
    return event;
  }

  /** A valid event: some words, a source, up to three attributes. */
  public ContentEvent event(String id) {
    StringBuilder text = new StringBuilder(WORDS.get(random.nextInt(WORDS.size())));
    for (int w = random.nextInt(40); w > 0; w--) {
      text.append(' ').append(WORDS.get(random.nextInt(WORDS.size())));
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int a = random.nextInt(4); a > 0; a--) {
      attributes.put("attr" + a, WORDS.get(random.nextInt(WORDS.size())));
    }
    return ContentEvent.newBuilder()
        .setId(id)
        .setText(text.toString())
        .setSource("fuzz")
        .setTimestampMs(1_700_000_000_000L + random.nextInt(1_000_000))
        .setAttributes(attributes)
        .build();
  }

  public byte[] avro(ContentEvent event) {
    return codec.encode(topic, event);
  }

  public static byte[] json(ContentEvent event) {
    return json(event, JSON);
  }

  private static byte[] json(ContentEvent event, ObjectMapper mapper) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("id", event.getId());
    object.put("text", event.getText());
    object.put("source", event.getSource());
    object.put("timestampMs", event.getTimestampMs());
    object.put("attributes", event.getAttributes());
    try {
      return mapper.writeValueAsBytes(object);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int schemaId() {
    return ConfluentAvroCodec.schemaIdOf(avro(event("id")));
  }
}
