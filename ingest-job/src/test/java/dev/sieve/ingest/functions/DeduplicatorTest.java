package dev.sieve.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.ingest.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

  private static final Duration TTL = Duration.ofMinutes(10);

  private KeyedOneInputStreamOperatorTestHarness<String, ContentEvent, ContentEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new Deduplicator(TTL), ContentEvent::getId, Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void forwardsTheFirstEventOfEachIdAndDropsRepeats() throws Exception {
    harness.processElement(Samples.content("a", "first"), 0);
    harness.processElement(Samples.content("b", "other"), 0);
    harness.processElement(Samples.content("a", "again"), 0);

    assertThat(harness.extractOutputValues())
        .extracting(ContentEvent::getText)
        .containsExactly("first", "other");
  }

  @Test
  void forgetsAnIdOnceTheTtlHasPassedSinceItWasFirstSeen() throws Exception {
    harness.processElement(Samples.content("a", "first"), 0);
    harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
    harness.processElement(Samples.content("a", "within ttl, and does not extend it"), 0);

    harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
    harness.processElement(Samples.content("a", "after ttl"), 0);

    assertThat(harness.extractOutputValues())
        .extracting(ContentEvent::getText)
        .containsExactly("first", "after ttl");
  }

  @Test
  void keepsNoStateForIdsItHasNotSeenAndNoTimers() throws Exception {
    harness.processElement(Samples.content("a", "first"), 0);

    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
