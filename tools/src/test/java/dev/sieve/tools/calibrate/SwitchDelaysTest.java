package dev.sieve.tools.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SwitchDelaysTest {

  @Test
  void reportsTheMedianAndTheSlowestDelay() {
    assertThat(SwitchDelays.delayText(new int[] {300, 100, 200})).isEqualTo("200 / 300");
  }

  @Test
  void aStreamWithoutAnAlertCountsAsSlowerThanAnyOther() {
    // two of three streams never alerted: the median stream did not either
    assertThat(SwitchDelays.delayText(new int[] {100, -1, -1})).isEqualTo("- / - (2 missed)");
    assertThat(SwitchDelays.delayText(new int[] {100, 200, -1})).isEqualTo("200 / - (1 missed)");
  }
}
