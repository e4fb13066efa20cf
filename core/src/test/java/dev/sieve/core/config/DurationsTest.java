package dev.sieve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsTheUnitsOurFlagsUse() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5 s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("10min")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("250")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("3 millis")).isEqualTo(Duration.ofMillis(3));
  }

  @Test
  void refusesWhatIsNotADuration() {
    assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("5 fortnights"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("-5s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsWithTheLargestExactUnit() {
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90 s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250 ms");
    assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1 d");
  }
}
