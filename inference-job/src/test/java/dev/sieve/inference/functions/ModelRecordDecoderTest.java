package dev.sieve.inference.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.inference.scoring.ModelAlerts;
import dev.sieve.inference.testing.Samples;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ModelRecordDecoderTest {

  private static final ModelVersion GOOD = Samples.accepted(Samples.SPAM, 1, 0.9);
  private static final byte[] GOOD_BYTES = {0, 0, 0, 0, 1, 42};

  /** Reads {@link #GOOD_BYTES} as {@link #GOOD}; anything else is malformed Avro. */
  private static final ModelReaderFactory FAKE =
      () ->
          bytes -> {
            if (bytes.length == GOOD_BYTES.length && bytes[5] == 42) {
              return GOOD;
            }
            throw new AvroDecodeException(
                AvroDecodeException.Reason.MALFORMED_AVRO, 1, "corrupt union index");
          };

  @Test
  void decodesModelVersionsAndTurnsAMalformedRecordIntoAnAlertInsteadOfAFailure()
      throws Exception {
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new ModelRecordDecoder(FAKE)))) {
      harness.open();
      harness.setProcessingTime(7_000);

      harness.processElement(raw(0, "spam", GOOD_BYTES), 0);
      harness.processElement(raw(1, "toxic", new byte[] {0, 0, 0, 0, 1, 9, 9}), 0);
      harness.processElement(raw(2, "toxic", null), 0); // tombstone
      harness.processElement(raw(3, null, new byte[] {1, 2, 3, 4, 5, 6}), 0);

      assertThat(harness.extractOutputValues()).containsExactly(GOOD);
      List<ModelAlert> alerts =
          harness.getSideOutput(ModelRecordDecoder.ALERTS).stream()
              .map(StreamRecord::getValue)
              .toList();
      assertThat(alerts)
          .extracting(ModelAlert::getClassifier, ModelAlert::getVersion, ModelAlert::getReason)
          .containsExactly(
              org.assertj.core.api.Assertions.tuple(
                  "toxic", ModelAlerts.UNKNOWN_VERSION, ModelAlerts.MALFORMED_RECORD),
              org.assertj.core.api.Assertions.tuple(
                  ModelAlerts.UNKNOWN_CLASSIFIER,
                  ModelAlerts.UNKNOWN_VERSION,
                  ModelAlerts.MALFORMED_RECORD));
      assertThat(alerts.get(0).getMessage())
          .contains("sieve.models-0@1")
          .contains("MALFORMED_AVRO");
      assertThat(alerts.get(0).getDetectedAtMs()).isEqualTo(7_000L);
      assertThat(alerts.get(0).getServingVersion()).isNull();
    }
  }

  private static KafkaRawRecord raw(long offset, String key, byte[] value) {
    return new KafkaRawRecord(
        "sieve.models",
        0,
        offset,
        1L,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value);
  }
}
