package dev.sieve.inference.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.inference.scoring.ModelAlerts;
import dev.sieve.inference.testing.Samples;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
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
  void decodesModelVersionsAndTurnsAMalformedRecordIntoAnAlertInsteadOfAFailure() throws Exception {
    try (var harness = harness(() -> Map.of(0, 3L))) {
      harness.open();
      harness.setProcessingTime(7_000);

      harness.processElement(raw(0, "spam", GOOD_BYTES), 0);
      harness.processElement(raw(1, "toxic", new byte[] {0, 0, 0, 0, 1, 9, 9}), 0);
      harness.processElement(raw(2, "toxic", null), 0); // tombstone
      harness.processElement(raw(3, null, new byte[] {1, 2, 3, 4, 5, 6}), 0);

      assertThat(harness.extractOutputValues())
          .containsExactly(ModelUpdate.of(GOOD), ModelUpdate.caughtUp());
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

  @Test
  void anAlertNamesTheClassifierByAKeyCutToItsCap() {
    String atCap = "k".repeat(ModelRecordDecoder.MAX_CLASSIFIER_CHARS);

    assertThat(ModelRecordDecoder.classifierOf(atCap.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(atCap);
    assertThat(ModelRecordDecoder.classifierOf(new byte[600_000])) // a key the broker accepts
        .hasSize(ModelRecordDecoder.MAX_CLASSIFIER_CHARS + 1)
        .endsWith("…");
    assertThat(ModelRecordDecoder.classifierOf(null)).isEqualTo(ModelAlerts.UNKNOWN_CLASSIFIER);
  }

  @Test
  void announcesTheCatchUpRightAfterTheLastRecordOfEveryPartitionAtTheStart() throws Exception {
    try (var harness = harness(() -> Map.of(0, 4L, 1, 2L))) {
      harness.open();
      harness.setProcessingTime(1_000);

      harness.processElement(raw(0, 0, "spam", GOOD_BYTES), 0);
      harness.processElement(raw(1, 2, "toxic", GOOD_BYTES), 0); // partition 1 done
      harness.processElement(raw(0, 3, "spam", GOOD_BYTES), 0);
      assertThat(harness.extractOutputValues()).doesNotContain(ModelUpdate.caughtUp());
      harness.processElement(raw(0, 4, "spam", null), 0); // a tombstone counts as passed
      harness.processElement(raw(0, 5, "spam", GOOD_BYTES), 0); // published after the start
      harness.setProcessingTime(60_000);

      assertThat(harness.extractOutputValues())
          .containsExactly(
              ModelUpdate.of(GOOD),
              ModelUpdate.of(GOOD),
              ModelUpdate.of(GOOD),
              ModelUpdate.caughtUp(),
              ModelUpdate.of(GOOD));
    }
  }

  @Test
  void announcesTheCatchUpAtOnceForAnEmptyTopic() throws Exception {
    try (var harness = harness(Map::of)) {
      harness.open();
      assertThat(harness.extractOutputValues()).isEmpty(); // never from open()

      harness.setProcessingTime(1);

      assertThat(harness.extractOutputValues()).containsExactly(ModelUpdate.caughtUp());
      harness.processElement(raw(0, 0, "spam", GOOD_BYTES), 0);
      assertThat(harness.extractOutputValues())
          .containsExactly(ModelUpdate.caughtUp(), ModelUpdate.of(GOOD)); // announced once
    }
  }

  @Test
  void afterARestoreOnlyWhatWasNotReadYetIsAwaited() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness(() -> Map.of(0, 1L))) {
      harness.open();
      harness.processElement(raw(0, 0, "spam", GOOD_BYTES), 0);
      harness.processElement(raw(0, 1, "spam", GOOD_BYTES), 0);
      snapshot = harness.snapshot(1, 1);
    }
    // Nothing new on the topic: the restored position is past its end, so at once.
    try (var harness = harness(() -> Map.of(0, 1L))) {
      harness.initializeState(snapshot);
      harness.open();
      harness.setProcessingTime(1);
      assertThat(harness.extractOutputValues()).containsExactly(ModelUpdate.caughtUp());
    }
    // A version published while the job was down: it is awaited.
    try (var harness = harness(() -> Map.of(0, 2L))) {
      harness.initializeState(snapshot);
      harness.open();
      harness.setProcessingTime(1);
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.processElement(raw(0, 2, "spam", GOOD_BYTES), 0);
      assertThat(harness.extractOutputValues())
          .containsExactly(ModelUpdate.of(GOOD), ModelUpdate.caughtUp());
    }
  }

  @Test
  void aFailedLookupFailsTheTaskWithItsReason() throws Exception {
    try (var harness =
        harness(
            () -> {
              throw new IllegalStateException("cannot find where sieve.models ends within PT1M");
            })) {
      assertThatThrownBy(harness::open).hasMessageContaining("sieve.models ends");
    }
  }

  private static OneInputStreamOperatorTestHarness<KafkaRawRecord, ModelUpdate> harness(
      LastModelOffsets lastOffsets) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(new ModelRecordDecoder(FAKE, lastOffsets));
  }

  private static KafkaRawRecord raw(long offset, String key, byte[] value) {
    return raw(0, offset, key, value);
  }

  private static KafkaRawRecord raw(int partition, long offset, String key, byte[] value) {
    return new KafkaRawRecord(
        "sieve.models",
        partition,
        offset,
        1L,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value);
  }
}
