package dev.sieve.activelearning.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder with a stand-in reader (Avro single-object encoding instead of the registry's
 * framing, whose own tests live in core): what matters here is the mapping to reasons.
 */
class LabelDecoderTest {

  private OneInputStreamOperatorTestHarness<KafkaRawRecord, DecodedLabel> harness;

  @BeforeEach
  void start() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new LabelDecoder("test-job", LabelDecoderTest::reader));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aLabelIsDecodedBesideItsRawRecord() throws Exception {
    KafkaRawRecord raw = raw(encode(label("c1", "sms", "spam", "ann")));

    harness.processElement(new StreamRecord<>(raw));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.label.getContentId()).isEqualTo("c1");
              assertThat(d.raw).isEqualTo(raw);
            });
  }

  @Test
  void everyBadRecordIsDeadLetteredWithItsReasonAndBytes() throws Exception {
    harness.processElement(new StreamRecord<>(raw(null)));
    harness.processElement(new StreamRecord<>(raw(new byte[] {7, 1, 2})));
    harness.processElement(new StreamRecord<>(raw(encode(label(" ", "sms", "spam", "ann")))));
    harness.processElement(new StreamRecord<>(raw(encode(label("c1", "", "spam", "ann")))));
    harness.processElement(new StreamRecord<>(raw(encode(label("c1", "sms", "", "ann")))));
    harness.processElement(new StreamRecord<>(raw(encode(label("c1", "sms", "spam", "")))));

    List<DeadLetter> letters =
        harness.getSideOutput(LabelDecoder.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly(
            LabelRejectReason.TOMBSTONE.name(),
            LabelRejectReason.MALFORMED_AVRO.name(),
            LabelRejectReason.EMPTY_CONTENT_ID.name(),
            LabelRejectReason.EMPTY_CLASSIFIER.name(),
            LabelRejectReason.EMPTY_LABEL.name(),
            LabelRejectReason.EMPTY_LABELER.name());
    assertThat(letters.get(1).getValue()).isEqualTo(ByteBuffer.wrap(new byte[] {7, 1, 2}));
    assertThat(letters)
        .allSatisfy(
            d -> {
              assertThat(d.getJob()).isEqualTo("test-job");
              assertThat(d.getSourceTopic()).isEqualTo("sieve.labels");
              assertThat(d.getSourceOffset()).isEqualTo(9);
            });
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void everyFieldIsAcceptedAtItsCapAndRefusedOneCharacterOver() throws Exception {
    String id = "i".repeat(LabelDecoder.MAX_CONTENT_ID_CHARS);
    String classifier = "c".repeat(LabelDecoder.MAX_CLASSIFIER_CHARS);
    String label = "\uD83D\uDE00".repeat(LabelDecoder.MAX_LABEL_CHARS); // emoji: one character
    String labeler = "l".repeat(LabelDecoder.MAX_LABELER_CHARS);

    harness.processElement(new StreamRecord<>(raw(encode(label(id, classifier, label, labeler)))));
    harness.processElement(
        new StreamRecord<>(raw(encode(label(id + "i", classifier, label, labeler)))));
    harness.processElement(
        new StreamRecord<>(raw(encode(label(id, classifier + "c", label, labeler)))));
    harness.processElement(
        new StreamRecord<>(raw(encode(label(id, classifier, label + "x", labeler)))));
    harness.processElement(
        new StreamRecord<>(raw(encode(label(id, classifier, label, labeler + "l")))));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(d -> assertThat(d.label.getLabel()).isEqualTo(label));
    List<DeadLetter> letters =
        harness.getSideOutput(LabelDecoder.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly(
            LabelRejectReason.CONTENT_ID_TOO_LONG.name(),
            LabelRejectReason.CLASSIFIER_TOO_LONG.name(),
            LabelRejectReason.LABEL_TOO_LONG.name(),
            LabelRejectReason.LABELER_TOO_LONG.name());
    assertThat(letters.get(0).getMessage()).contains("content id").contains("513").contains("512");
    assertThat(letters.get(2).getMessage()).contains("label").contains("129").contains("128");
  }

  @Test
  void avroReasonsMapToLabelReasons() {
    for (AvroDecodeException.Reason reason : AvroDecodeException.Reason.values()) {
      assertThat(LabelDecoder.reasonOf(new AvroDecodeException(reason, 1, "x"))).isNotNull();
    }
  }

  private static LabelReaderFactory.LabelReader reader() {
    return bytes -> {
      try {
        return Label.fromByteBuffer(ByteBuffer.wrap(bytes));
      } catch (IOException | RuntimeException e) {
        throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED_AVRO, -1, e.toString());
      }
    };
  }

  private static Label label(String id, String classifier, String label, String labeler) {
    return Label.newBuilder()
        .setContentId(id)
        .setClassifier(classifier)
        .setLabel(label)
        .setLabeler(labeler)
        .setLabeledAtMs(1)
        .build();
  }

  private static byte[] encode(Label label) {
    try {
      ByteBuffer buffer = label.toByteBuffer();
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KafkaRawRecord raw(byte[] value) {
    return new KafkaRawRecord("sieve.labels", 1, 9, 100, null, value);
  }
}
