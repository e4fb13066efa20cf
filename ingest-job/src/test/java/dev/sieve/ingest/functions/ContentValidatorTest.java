package dev.sieve.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.content.ContentNormalizer;
import dev.sieve.core.content.RejectReason;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.ingest.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContentValidatorTest {

  private static final int SOFT_CAP = 8;
  private static final int HARD_CAP = 16;

  private OneInputStreamOperatorTestHarness<DecodedContent, ContentEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new ContentValidator("ingest-job", new ContentNormalizer(SOFT_CAP, HARD_CAP)));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static DecodedContent decoded(long offset, String id, String text) {
    byte[] value = Samples.jsonContent(id, text);
    return new DecodedContent(
        new KafkaRawRecord("raw", 0, offset, 42L, Samples.utf8(id), value),
        Samples.content(id, text));
  }

  @Test
  void forwardsNormalisedAndTruncatedContent() throws Exception {
    harness.processElement(decoded(0, "a", "  Cafe\u0301\u0007  "), 0);
    harness.processElement(decoded(1, "b", "0123456789"), 0);

    assertThat(harness.extractOutputValues())
        .extracting(
            ContentEvent::getText, ContentEvent::getTruncated, ContentEvent::getOriginalLength)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Caf\u00e9", false, null),
            org.assertj.core.groups.Tuple.tuple("01234567", true, 10));
    assertThat(harness.extractOutputValues().get(0).getTimestampMs()).isEqualTo(42L);
  }

  @Test
  void deadLettersEmptyIdsEmptyTextsAndOversizedTextsWithTheOriginalBytes() throws Exception {
    DecodedContent emptyText = decoded(10, "e", " \u0001 ");
    harness.processElement(emptyText, 0);
    harness.processElement(decoded(11, "", "text"), 0);
    harness.processElement(decoded(12, "long", "z".repeat(HARD_CAP + 1)), 0);

    assertThat(harness.extractOutputValues()).isEmpty();
    var letters =
        harness.getSideOutput(ContentValidator.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly(
            RejectReason.EMPTY_TEXT.name(),
            RejectReason.EMPTY_ID.name(),
            RejectReason.TEXT_TOO_LONG.name());
    assertThat(letters.get(0).getValue()).isEqualTo(ByteBuffer.wrap(emptyText.getRaw().getValue()));
    assertThat(letters.get(0).getSourceOffset()).isEqualTo(10L);
  }
}
