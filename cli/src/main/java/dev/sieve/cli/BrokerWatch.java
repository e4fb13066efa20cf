package dev.sieve.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Tells the person at the terminal, once, that the Kafka broker went away and, once, that it is
 * back. A client that keeps running through an outage (labeling, tail, produce) feeds it what it
 * sees; without it the client would either print nothing (it looks hung) or one line per retry.
 *
 * <p>The broker counts as away once the client has had no connection to it for {@link #GRACE} (a
 * reconnect in between is not an outage), and as back at the first observation with one.
 */
public final class BrokerWatch {

  /**
   * How long without a connection before the outage is announced: a reconnect takes milliseconds,
   * and a share consumer spins until then (see {@code LabelingQueue}), so not much longer.
   */
  public static final Duration GRACE = Duration.ofMillis(500);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private final String bootstrapServers;
  private final Consumer<String> lines;
  private final LongSupplier nanoTime;
  private final Supplier<Instant> now;
  private final ZoneId zone;
  private long lostAtNanos = -1;
  private Instant lostAt;
  private boolean away;

  /**
   * @param lines receives the two lines of an outage (stderr, or the labeler's problem lines)
   */
  public BrokerWatch(String bootstrapServers, Consumer<String> lines) {
    this(bootstrapServers, lines, System::nanoTime, Instant::now, ZoneId.systemDefault());
  }

  BrokerWatch(
      String bootstrapServers,
      Consumer<String> lines,
      LongSupplier nanoTime,
      Supplier<Instant> now,
      ZoneId zone) {
    this.bootstrapServers = bootstrapServers;
    this.lines = lines;
    this.nanoTime = nanoTime;
    this.now = now;
    this.zone = zone;
  }

  /**
   * Records whether the client is connected now; prints the "waiting" line when the broker has just
   * been away for {@link #GRACE}, and the "back" line when it returns after that.
   *
   * @return true while the broker counts as away
   */
  public synchronized boolean observe(boolean connected) {
    if (connected) {
      if (away) {
        long seconds = Duration.ofNanos(nanoTime.getAsLong() - lostAtNanos).toSeconds();
        lines.accept(
            "the Kafka broker at "
                + bootstrapServers
                + " is back after "
                + seconds
                + " s; resuming");
      }
      lostAtNanos = -1;
      away = false;
      return false;
    }
    if (lostAtNanos < 0) {
      lostAtNanos = nanoTime.getAsLong();
      lostAt = now.get();
    }
    if (!away && nanoTime.getAsLong() - lostAtNanos >= GRACE.toNanos()) {
      away = true;
      lines.accept(
          "waiting for the Kafka broker at "
              + bootstrapServers
              + " (unreachable since "
              + TIME.format(lostAt.atZone(zone))
              + ") ...");
    }
    return away;
  }

  /** True from the first observation without a connection until one with a connection. */
  public synchronized boolean lost() {
    return lostAtNanos >= 0;
  }

  /** True between the "waiting" line and the "back" line. */
  public synchronized boolean away() {
    return away;
  }

  /**
   * The number of open connections of a Kafka client (its {@code connection-count} metric, kept by
   * every producer, consumer and share consumer), read without any network call; 0 when the client
   * has none, or an unknown client reports no such metric.
   */
  public static int connections(Map<MetricName, ? extends Metric> metrics) {
    double count = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      if (e.getKey().name().equals("connection-count")
          && e.getValue().metricValue() instanceof Number n) {
        count += n.doubleValue();
      }
    }
    return (int) count;
  }
}
