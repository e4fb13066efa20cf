package dev.sieve.tools.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class ThresholdRuleTest {

  @Test
  void recommendsAMarginAboveTheStationaryMaximumRoundedUpToTwoDigits() {
    // 1.5 x 0.01949 = 0.029235 -> 0.030; 1.5 x 0.08693 = 0.1304 -> 0.14
    assertThat(ThresholdRule.recommend(0.01949)).isEqualTo(0.030);
    assertThat(ThresholdRule.recommend(0.08693)).isEqualTo(0.14);
  }

  @Test
  void roundingUpNeverLowersAValue() {
    assertThat(ThresholdRule.roundUp(0.0341, 2)).isEqualTo(0.035);
    assertThat(ThresholdRule.roundUp(0.035, 2)).isEqualTo(0.035);
    assertThat(ThresholdRule.roundUp(23.27, 2)).isEqualTo(24);
  }

  @Test
  void withoutAlarmsTheFalseAlarmRateIsBoundedByTheRuleOfThree() {
    assertThat(ThresholdRule.falseAlarmBound(0, 9_200)).isCloseTo(3.0 / 9_200, within(1e-15));
    assertThat(ThresholdRule.falseAlarmBound(4, 200)).isEqualTo(0.02);
  }

  @Test
  void theWorstDelayIsOneWindowPlusTheShareThatMustBeShifted() {
    // flagged from a half-shifted window: a switch is found within 1.5 windows
    assertThat(ThresholdRule.worstDelay(500, 0.5)).isEqualTo(749);
    // only wholly shifted windows flagged: up to two windows
    assertThat(ThresholdRule.worstDelay(500, 1.0)).isEqualTo(999);
  }

  @Test
  void chiSquareQuantilesAreCloseToTheTables() {
    // tables: chi2(0.999) = 10.83 (df 1), 16.27 (df 3), 27.88 (df 9)
    assertThat(ThresholdRule.chiSquare999(1)).isCloseTo(10.83, withinPercentage(3.5));
    assertThat(ThresholdRule.chiSquare999(3)).isCloseTo(16.27, withinPercentage(2));
    assertThat(ThresholdRule.chiSquare999(9)).isCloseTo(27.88, withinPercentage(1));
  }
}
