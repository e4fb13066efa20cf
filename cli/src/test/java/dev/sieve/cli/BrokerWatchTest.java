package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
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

  @Test
  void aConnectionBeingOpenedToABrokerThatIsDownIsNotTheBrokerBack() {
    watch.observe(client(1, 1, 40)); // connected once, answered 40 times
    watch.observe(client(0, 1, 40));
    advance(Duration.ofSeconds(1));
    watch.observe(client(0, 1, 40));
    assertThat(watch.away()).isTrue();
    // The client retries: Kafka counts the connection being opened before it is refused.
    advance(Duration.ofSeconds(1));
    assertThat(watch.observe(client(1, 1, 40))).isTrue();
    watch.observe(client(0, 1, 40));
    advance(Duration.ofSeconds(5));
    assertThat(watch.observe(client(1, 2, 41))).isFalse(); // a new connection, answered: back

    assertThat(lines)
        .containsExactly(
            "waiting for the Kafka broker at 127.0.0.1:9092 (unreachable since 12:03:04) ...",
            "the Kafka broker at 127.0.0.1:9092 is back after 7 s; resuming");
  }

  @Test
  void aResponseReadAfterTheConnectionClosedIsNotTheBrokerBack() {
    watch.observe(client(1, 1, 40));
    watch.observe(client(0, 1, 40)); // the broker closed the connection
    advance(Duration.ofSeconds(1));
    watch.observe(client(0, 1, 41)); // a response left in its buffer, read after the close
    assertThat(watch.away()).isTrue();
    advance(Duration.ofSeconds(1));
    // A retry being opened while that response is counted: still away, one outage.
    assertThat(watch.observe(client(1, 1, 41))).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(watch.observe(client(0, 1, 42))).isTrue();
    assertThat(watch.observe(client(1, 1, 42))).isTrue();
    advance(Duration.ofSeconds(5));
    assertThat(watch.observe(client(1, 2, 42))).isTrue(); // connected, not answered yet
    assertThat(watch.observe(client(1, 2, 43))).isFalse(); // answered on it: back

    assertThat(lines)
        .containsExactly(
            "waiting for the Kafka broker at 127.0.0.1:9092 (unreachable since 12:03:04) ...",
            "the Kafka broker at 127.0.0.1:9092 is back after 8 s; resuming");
  }

  @Test
  void aClientTheBrokerHasNotAnsweredYetIsStartingNotCutOff() {
    for (int i = 0; i < 10; i++) {
      assertThat(watch.observe(client(0, 0, 0))).isFalse();
      advance(Duration.ofSeconds(1));
    }
    assertThat(watch.lost()).isFalse();
    assertThat(lines).isEmpty();
  }

  /**
   * A Kafka client's metrics as a watch reads them: connections open or being opened, connections
   * ever established, responses; with a per-broker copy as a real client has.
   */
  private static Map<MetricName, Metric> client(int connections, double opened, double responses) {
    Map<MetricName, Metric> metrics = new HashMap<>();
    for (var m :
        List.of(
            new Fixed(name("connection-count", "consumer-metrics"), (double) connections),
            new Fixed(name("connection-creation-total", "consumer-metrics"), opened),
            new Fixed(name("response-total", "consumer-metrics"), responses),
            new Fixed(name("response-total", "consumer-node-metrics"), responses + 7))) {
      metrics.put(m.metricName(), m);
    }
    return metrics;
  }

  private static MetricName name(String name, String group) {
    return new MetricName(name, group, "", Map.of("client-id", "c"));
  }

  private record Fixed(MetricName metricName, Object metricValue) implements Metric {}

  private void advance(Duration d) {
    nanos += d.toNanos();
  }
}
