package dev.sieve.activelearning.testing;

import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.schemas.Label;
import dev.sieve.testkit.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded payloads for {@code sieve.labels}, about {@link #CONTENTS} scored contents ({@code c0}…):
 * valid labels, labels the join refuses (unknown content, classifier or class), mutations of valid
 * frames (bit flips, truncation, extension, huge length prefixes), the 13-byte frame claiming ~1
 * GB, JSON (labels are Avro only), random bytes, unpaired surrogates, and every thousandth record a
 * heavy one (100 KB fields, 10,000-deep JSON, a tombstone). Each comes with what
 * active-learning-job must do with it where that is known without running it.
 */
public final class LabelFuzzer {

  /** How many contents the valid labels are about. */
  public static final int CONTENTS = 200;

  public static final String CLASSIFIER = "topic";
  public static final List<String> CLASSES = List.of("billing", "shipping", "bug", "praise");

  /** Outcomes of a valid label on known content: the first one per content wins (FIRST). */
  public static final Set<String> FIRST_WINS =
      Set.of("", LabelRejectReason.ALREADY_LABELLED.name());

  /**
   * What a payload must become: any of {@code outcomes} ("" for published to {@code
   * sieve.labelled}, else a reason), or anything when {@code outcomes} is empty.
   */
  public record Payload(byte[] value, Set<String> outcomes) {}

  private final ConfluentAvroCodec<Label> codec;
  private final String topic;
  private final Random random;
  private final int schemaId;

  public LabelFuzzer(ConfluentAvroCodec<Label> codec, String topic, Random random) {
    this.codec = codec;
    this.topic = topic;
    this.random = random;
    this.schemaId = ConfluentAvroCodec.schemaIdOf(avro(label("c0", CLASSES.get(0), "x")));
  }

  public Payload next(int i) {
    if (i % 1_000 == 999) {
      return heavy(i / 1_000);
    }
    int kind = random.nextInt(1_000);
    String known = "c" + random.nextInt(CONTENTS);
    String someClass = CLASSES.get(random.nextInt(CLASSES.size()));
    if (kind < 100) {
      return new Payload(avro(label(known, someClass, "labeler-" + i % 7)), FIRST_WINS);
    }
    if (kind < 250) {
      return expect(avro(label("u" + i, someClass, "ann")), LabelRejectReason.UNKNOWN_CONTENT_ID);
    }
    if (kind < 300) {
      Label label = label(known, someClass, "ann");
      label.setClassifier("emotion");
      return expect(avro(label), LabelRejectReason.UNKNOWN_CLASSIFIER);
    }
    if (kind < 350) {
      return expect(avro(label(known, "eggs", "ann")), LabelRejectReason.UNKNOWN_CLASS);
    }
    byte[] valid = avro(label(random.nextBoolean() ? known : "u" + i, someClass, "ann"));
    if (kind < 550) {
      return any(Fuzz.flipBits(valid, 5, random));
    }
    if (kind < 600) {
      return any(Fuzz.flipBits(valid, 0, random));
    }
    if (kind < 650) {
      // Avro is prefix-free, and a frame shorter than its header is truncated as well.
      return expect(Fuzz.truncate(valid, random), LabelRejectReason.TRUNCATED_AVRO);
    }
    if (kind < 700) {
      return expect(Fuzz.extend(valid, random), LabelRejectReason.MALFORMED_AVRO);
    }
    if (kind < 750) {
      long claimed = random.nextBoolean() ? 1L << (20 + random.nextInt(43)) : -random.nextInt();
      return any(Fuzz.spliceHugeLength(valid, claimed, random));
    }
    if (kind < 780) {
      return expect(
          Fuzz.frameClaiming(schemaId, (1L << 29) + random.nextInt(1 << 30)),
          LabelRejectReason.TRUNCATED_AVRO);
    }
    if (kind < 830) {
      byte[] json = json(known, someClass);
      return random.nextBoolean()
          ? expect(json, LabelRejectReason.BAD_MAGIC_BYTE)
          : any(Fuzz.flipBits(json, 0, random));
    }
    if (kind < 900) {
      // Avro writes an unpaired surrogate as '?': a valid label either way.
      return new Payload(avro(label(known, someClass, "ann\uD800" + i)), FIRST_WINS);
    }
    return any(Fuzz.randomBytes(random.nextInt(200), random));
  }

  private Payload heavy(int n) {
    String big = "x".repeat(100_000);
    String someClass = CLASSES.get(n % CLASSES.size());
    return switch (n % 8) {
      case 0 -> expect(avro(label(big, someClass, "ann")), LabelRejectReason.CONTENT_ID_TOO_LONG);
      case 1 -> expect(avro(label("c1", someClass, big)), LabelRejectReason.LABELER_TOO_LONG);
      case 2 -> expect(avro(label("c1", big, "ann")), LabelRejectReason.LABEL_TOO_LONG);
      case 3 -> {
        Label label = label("c1", someClass, "ann");
        label.setClassifier(big);
        yield expect(avro(label), LabelRejectReason.CLASSIFIER_TOO_LONG);
      }
      case 4 ->
          expect(
              Fuzz.deepJson(10_000).getBytes(StandardCharsets.UTF_8),
              LabelRejectReason.BAD_MAGIC_BYTE);
      case 5 -> expect(null, LabelRejectReason.TOMBSTONE);
      case 6 ->
          expect(
              "é".repeat(200_000).getBytes(StandardCharsets.UTF_8),
              LabelRejectReason.BAD_MAGIC_BYTE);
      default ->
          expect(Fuzz.frameClaiming(schemaId, 1_000_000_000L), LabelRejectReason.TRUNCATED_AVRO);
    };
  }

  private static Payload expect(byte[] value, LabelRejectReason reason) {
    return new Payload(value, Set.of(reason.name()));
  }

  private static Payload any(byte[] value) {
    return new Payload(value, Set.of());
  }

  private static Label label(String contentId, String label, String labeler) {
    return Label.newBuilder()
        .setContentId(contentId)
        .setClassifier(CLASSIFIER)
        .setLabel(label)
        .setLabeler(labeler)
        .setLabeledAtMs(1_700_000_000_000L)
        .build();
  }

  private byte[] avro(Label label) {
    return codec.encode(topic, label);
  }

  private static byte[] json(String contentId, String label) {
    return ("{\"contentId\":\""
            + contentId
            + "\",\"classifier\":\""
            + CLASSIFIER
            + "\",\"label\":\""
            + label
            + "\",\"labeler\":\"ann\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
