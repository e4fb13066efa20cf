package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerWatchTest {

  private final List<String> lines = new ArrayList<>();
  private long nanos;
  private final BrokerWatch watch =
      new BrokerWatch(
          "127.0.0.1:9092",
          lines::add,
          () -> nanos,
          () -> Instant.parse("2026-12-06T12:03:04Z").plusNanos(nanos),
          ZoneOffset.UTC);

  @Test
  void anOutageIsAnnouncedOnceAndItsEndOnce() {
    assertThat(watch.observe(true)).isFalse();
    assertThat(watch.observe(false)).isFalse(); // within the grace: maybe a reconnect
    for (int i = 0; i < 100; i++) {
      advance(Duration.ofMillis(300));
      watch.observe(false);
    }
    assertThat(watch.away()).isTrue();
    advance(Duration.ofSeconds(2));
    assertThat(watch.observe(true)).isFalse();
    watch.observe(true);

    assertThat(lines)
        .containsExactly(
            "waiting for the Kafka broker at 127.0.0.1:9092 (unreachable since 12:03:04) ...",
            "the Kafka broker at 127.0.0.1:9092 is back after 32 s; resuming");
  }

  @Test
  void aConnectionLostForLessThanTheGraceIsNotAnOutage() {
    watch.observe(false);
    advance(BrokerWatch.GRACE.minusMillis(1));
    watch.observe(false);
    assertThat(watch.lost()).isTrue();
    watch.observe(true);

    assertThat(lines).isEmpty();
    assertThat(watch.lost()).isFalse();
  }

  @Test
  void eachOutageIsAnnouncedWithItsOwnStart() {
    watch.observe(false);
    advance(Duration.ofSeconds(1));
    watch.observe(false);
    watch.observe(true);
    advance(Duration.ofSeconds(60));
    watch.observe(false);
    advance(Duration.ofSeconds(1));
    watch.observe(false);

    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).contains("unreachable since 12:04:05");
  }

  private void advance(Duration d) {
    nanos += d.toNanos();
  }
}
