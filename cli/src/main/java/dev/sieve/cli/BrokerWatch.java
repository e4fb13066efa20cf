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
 *
 * <p>Read from a client's metrics ({@link #observe(Map)}), "a connection" means one the broker has
 * answered on. Two counters of Kafka's client would each announce a broker back that is not, and
 * the next moment a second outage:
 *
 * <ul>
 *   <li>{@code connection-count} also counts a connection still being opened: a client retrying a
 *       broker that is down has one for a few milliseconds at every attempt (3-12 ms, measured on
 *       loopback on a quiet machine; longer when the client's network thread waits for a core).
 *   <li>{@code response-total} can still rise after the connection is gone: a connection the broker
 *       closed with responses in its buffer leaves the count at once, and the client reads the rest
 *       over its next polls (Kafka's {@code Selector} keeps it as a closing channel).
 * </ul>
 *
 * So after a loss the broker counts as back only once the client has opened a new connection
 * ({@code connection-creation-total} counts a connection when it is established, not when it is
 * tried) and had a response since its previous observation.
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
  private double openedAtLoss;
  private double responsesBefore;

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

  /**
   * Records what a client's own metrics say about its link to the broker, read without any network
   * call: connected while it has a connection, and after a loss once it has a new connection the
   * broker has answered on (see the class comment). A client that has never had an answer is
   * starting, not cut off: nothing is recorded.
   *
   * @return true while the broker counts as away
   */
  public synchronized boolean observe(Map<MetricName, ? extends Metric> metrics) {
    double responses = sum(metrics, "response-total");
    if (responses == 0) {
      return away;
    }
    double opened = sum(metrics, "connection-creation-total");
    boolean hasConnection = sum(metrics, "connection-count") > 0;
    boolean connected =
        lostAtNanos < 0
            ? hasConnection
            : hasConnection && opened > openedAtLoss && responses > responsesBefore;
    if (!connected && lostAtNanos < 0) {
      openedAtLoss = opened;
    }
    responsesBefore = responses;
    return observe(connected);
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
   * The client-wide value of a metric that every producer, consumer and share consumer keeps (its
   * per-broker copies, in the {@code *-node-metrics} groups, left out); 0 when it has none.
   */
  private static double sum(Map<MetricName, ? extends Metric> metrics, String name) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      if (e.getKey().name().equals(name)
          && !e.getKey().group().endsWith("-node-metrics")
          && e.getValue().metricValue() instanceof Number n) {
        sum += n.doubleValue();
      }
    }
    return sum;
  }
}
