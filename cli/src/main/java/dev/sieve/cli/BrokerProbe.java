package dev.sieve.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Waits until the Kafka broker answers again, asking with an admin request and backing off
 * exponentially between tries (half a second doubling to {@link #MAX_BACKOFF}).
 *
 * <p>Used while a client that would spin is closed: the Kafka 4.2 share consumer's background
 * thread busy-loops re-bootstrapping while no broker is reachable, whether or not it is polled, so
 * the labeling queue closes it for the outage and asks here when to open it again. The admin client
 * waits quietly between its tries.
 */
public final class BrokerProbe {

  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration SLICE = Duration.ofMillis(100);

  private BrokerProbe() {}

  /**
   * Returns once the cluster described by {@code kafka} (client properties: bootstrap servers,
   * security) answers a DescribeCluster request.
   *
   * @param cancelled checked between tries and during the back-off; when it turns true the wait
   *     ends with a {@link WakeupException}, as a woken-up Kafka consumer would
   */
  public static void awaitReachable(Map<String, Object> kafka, BooleanSupplier cancelled) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
    Duration backoff = FIRST_BACKOFF;
    try (Admin admin = Admin.create(props)) {
      while (true) {
        if (cancelled.getAsBoolean()) {
          throw new WakeupException();
        }
        try {
          admin.describeCluster().nodes().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WakeupException();
        } catch (Exception notYet) {
          // refused, timed out, or still starting: try again after the back-off
        }
        sleep(backoff, cancelled);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /** Sleeps in short slices so that a cancellation is seen within a tenth of a second. */
  private static void sleep(Duration duration, BooleanSupplier cancelled) {
    long until = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < until) {
      if (cancelled.getAsBoolean()) {
        throw new WakeupException();
      }
      try {
        Thread.sleep(
            Math.min(SLICE.toMillis(), Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      }
    }
  }
}
