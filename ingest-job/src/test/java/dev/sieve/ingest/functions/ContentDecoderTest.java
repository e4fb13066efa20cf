package dev.sieve.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.content.RejectReason;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.ingest.testing.InMemoryRegistry;
import dev.sieve.ingest.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContentDecoderTest {

  private static final String TOPIC = "t.content.raw";
  private static final long NOW = 1_234_567L;
  private static final InMemoryRegistry REGISTRY = new InMemoryRegistry();
  private static final ConfluentAvroCodec<ContentEvent> CODEC =
      new ConfluentAvroCodec<>(REGISTRY, ContentEvent.class);

  private OneInputStreamOperatorTestHarness<KafkaRawRecord, DecodedContent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new ContentDecoder("ingest-job", () -> CODEC::decode));
    harness.setProcessingTime(NOW);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static KafkaRawRecord raw(long offset, String key, byte[] value) {
    return new KafkaRawRecord(
        TOPIC, 3, offset, 1_000L + offset, key == null ? null : Samples.utf8(key), value);
  }

  @Test
  void forwardsAvroAndJsonContentWithTheRawRecord() throws Exception {
    KafkaRawRecord avro = raw(0, "a", CODEC.encode(TOPIC, Samples.content("a", "from avro")));
    KafkaRawRecord json = raw(1, "j", Samples.jsonContent("j", "from json"));

    harness.processElement(avro, 0);
    harness.processElement(json, 0);

    assertThat(harness.extractOutputValues())
        .extracting(d -> d.getEvent().getText())
        .containsExactly("from avro", "from json");
    assertThat(harness.extractOutputValues().get(1).getRaw()).isEqualTo(json);
    assertThat(harness.getSideOutput(ContentDecoder.DEAD_LETTERS)).isNull();
  }

  @Test
  void deadLettersEveryUndecodableValueWithItsBytesAndOrigin() throws Exception {
    Map<RejectReason, byte[]> malformed =
        Samples.malformed(CODEC, new ConfluentAvroCodec<>(REGISTRY, Label.class), TOPIC);
    malformed.remove(RejectReason.EMPTY_ID); // decodable: the validator's job
    malformed.remove(RejectReason.EMPTY_TEXT);
    long offset = 100;
    for (byte[] value : malformed.values()) {
      harness.processElement(raw(offset++, "key-" + offset, value), 0);
    }

    assertThat(harness.extractOutputValues()).isEmpty();
    List<DeadLetter> letters =
        harness.getSideOutput(ContentDecoder.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactlyElementsOf(malformed.keySet().stream().map(Enum::name).toList());
    DeadLetter tombstone = letters.get(0);
    assertThat(tombstone.getValue()).isNull();
    assertThat(tombstone.getKey()).isEqualTo(ByteBuffer.wrap(Samples.utf8("key-101")));
    DeadLetter notJson = letters.get(1);
    assertThat(notJson.getValue())
        .isEqualTo(ByteBuffer.wrap(malformed.get(RejectReason.NOT_AVRO_OR_JSON)));
    assertThat(notJson.getSourceTopic()).isEqualTo(TOPIC);
    assertThat(notJson.getSourcePartition()).isEqualTo(3);
    assertThat(notJson.getSourceOffset()).isEqualTo(101L);
    assertThat(notJson.getSourceTimestampMs()).isEqualTo(1_101L);
    assertThat(notJson.getRejectedAtMs()).isEqualTo(NOW);
    assertThat(notJson.getJob()).isEqualTo("ingest-job");
    assertThat(letters).allSatisfy(l -> assertThat(l.getMessage()).isNotBlank());
  }
}
