package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.registry.RegistryUnavailableException;
import dev.sieve.core.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistryWaitTest {

  private final List<String> lines = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();
  private long now;
  private final RegistryWait wait =
      new RegistryWait(
          "http://127.0.0.1:8085",
          Duration.ofMinutes(1),
          lines::add,
          pause -> {
            pauses.add(pause);
            now += pause.toNanos();
          },
          () -> now);

  @Test
  void waitsWithGrowingPausesWhileTheRegistryIsAwayAndSaysSoOnceEachWay() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    String result =
        wait.call(
            () -> {
              if (calls.incrementAndGet() <= 6) {
                throw new RegistryUnavailableException("connection refused", 6, 0, 0, null);
              }
              return "schema id 7";
            });

    assertThat(result).isEqualTo("schema id 7");
    assertThat(pauses)
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith(
            "waiting for the schema registry at http://127.0.0.1:8085 (connection refused)");
    assertThat(lines.get(1))
        .isEqualTo("the schema registry at http://127.0.0.1:8085 is back after 17 s; resuming");
  }

  @Test
  void anOutageWrappedInAnotherExceptionIsStillWaitedFor() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    int result =
        wait.call(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException(
                    "encoding failed",
                    new RegistryUnavailableException("HTTP 503", 6, 0, 503, null));
              }
              return 1;
            });

    assertThat(result).isEqualTo(1);
    assertThat(lines).hasSize(2);
  }

  @Test
  void whatAReachableRegistrySaysPassesThroughAtOnce() {
    assertThatThrownBy(
            () ->
                wait.call(
                    () -> {
                      throw new SchemaRegistryException("401 Unauthorized", 40101, 401, null);
                    }))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage("401 Unauthorized");
    assertThat(pauses).isEmpty();
    assertThat(lines).isEmpty();
  }

  @Test
  void pastTheTimeoutTheOutagePassesThrough() {
    assertThatThrownBy(
            () ->
                wait.call(
                    () -> {
                      now += Duration.ofSeconds(3).toNanos(); // each attempt: the client's retries
                      throw new RegistryUnavailableException("connection refused", 6, 0, 0, null);
                    }))
        .isInstanceOf(RegistryUnavailableException.class);
    // attempts (3 s each) and pauses until the minute is over: the last attempt started within it
    assertThat(Duration.ofNanos(now))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(1))
        .isLessThanOrEqualTo(Duration.ofMinutes(1).plusSeconds(3));
    assertThat(pauses).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(Duration.ofSeconds(5)));
    assertThat(lines).hasSize(1);
  }

  @Test
  void aRegistryThatAnswersAtOnceIsNotMentioned() throws Exception {
    assertThat(wait.call(() -> 42)).isEqualTo(42);
    assertThat(lines).isEmpty();
  }
}
