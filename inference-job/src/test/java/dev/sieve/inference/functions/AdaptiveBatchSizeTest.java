package dev.sieve.inference.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdaptiveBatchSizeTest {

  private final AdaptiveBatchSize sizer = new AdaptiveBatchSize(32, 10);

  @Test
  void startsWithOneEventPerBatch() {
    assertThat(sizer.size()).isEqualTo(1);
  }

  @Test
  void holdsAboutWhatArrivesInOneMaxWait() {
    assertThat(sizer.sizeFor(0.05, 0.2)).isEqualTo(1); // half an event per wait: none to wait for
    assertThat(sizer.sizeFor(0.112, 0.5)).isEqualTo(1); // the benchmark's half load per subtask
    assertThat(sizer.sizeFor(0.5, 0.5)).isEqualTo(5);
    assertThat(sizer.sizeFor(20, 0.5)).isEqualTo(32); // never above the maximum
  }

  @Test
  void takesFullBatchesOnceTheSubtaskIsBusyMostOfTheTime() {
    assertThat(sizer.sizeFor(0.2, AdaptiveBatchSize.SATURATED)).isEqualTo(32);
    assertThat(sizer.sizeFor(0.2, 0.99)).isEqualTo(32);
  }

  @Test
  void followsTheRateWindowByWindow() {
    long t = 0;
    for (; t <= AdaptiveBatchSize.WINDOW_MS; t += 2) { // one event every 2 ms, idle otherwise
      sizer.arrived(t);
    }
    assertThat(sizer.size()).isEqualTo(5);
    long end = t + AdaptiveBatchSize.WINDOW_MS;
    for (; t <= end; t += 2) { // same rate, but each event now costs 1.8 ms of scoring
      sizer.scored(1_800_000);
      sizer.arrived(t);
    }
    assertThat(sizer.size()).isEqualTo(32);
    end = t + 5 * AdaptiveBatchSize.WINDOW_MS;
    for (; t <= end; t += 50) { // quiet again
      sizer.arrived(t);
    }
    assertThat(sizer.size()).isEqualTo(1);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new AdaptiveBatchSize(0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
