package dev.sieve.cli;

import dev.sieve.core.registry.RegistryUnavailableException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a call that needs the schema registry, and while the registry is away (the client gave up
 * after its own retries: {@link RegistryUnavailableException}) waits and tries again, 0.5 s
 * doubling to 5 s between attempts, instead of failing. It says so in one line when the registry
 * goes away and one when it is back, not once per attempt. Anything else the call throws, an answer
 * of a reachable registry included, passes through.
 */
public final class RegistryWait {

  static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  static final Duration MAX_PAUSE = Duration.ofSeconds(5);

  /** Sleeps; the tests pass one that only counts. */
  interface Sleeper {
    void sleep(Duration pause) throws InterruptedException;
  }

  private final String registryUrl;
  private final Duration giveUpAfter;
  private final Consumer<String> lines;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;

  public RegistryWait(String registryUrl, Duration giveUpAfter, Consumer<String> lines) {
    this(
        registryUrl, giveUpAfter, lines, pause -> Thread.sleep(pause.toMillis()), System::nanoTime);
  }

  RegistryWait(
      String registryUrl,
      Duration giveUpAfter,
      Consumer<String> lines,
      Sleeper sleeper,
      LongSupplier nanoTime) {
    this.registryUrl = registryUrl;
    this.giveUpAfter = giveUpAfter;
    this.lines = lines;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
  }

  /** The call's result, once the registry answers. */
  public <T> T call(Supplier<T> call) throws InterruptedException {
    long start = nanoTime.getAsLong();
    long awaySince = -1;
    Duration pause = FIRST_PAUSE;
    while (true) {
      try {
        T result = call.get();
        if (awaySince >= 0) {
          lines.accept(
              String.format(
                  "the schema registry at %s is back after %d s; resuming",
                  registryUrl, Duration.ofNanos(nanoTime.getAsLong() - awaySince).toSeconds()));
        }
        return result;
      } catch (RuntimeException e) {
        RegistryUnavailableException away = unavailable(e);
        Duration left = giveUpAfter.minusNanos(nanoTime.getAsLong() - start);
        if (away == null || left.isNegative() || left.isZero()) {
          throw e;
        }
        if (awaySince < 0) {
          awaySince = nanoTime.getAsLong();
          lines.accept(
              "waiting for the schema registry at "
                  + registryUrl
                  + " ("
                  + away.getMessage()
                  + ") ...");
        }
        sleeper.sleep(pause.compareTo(left) < 0 ? pause : left);
        pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
      }
    }
  }

  private static RegistryUnavailableException unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryUnavailableException away) {
        return away;
      }
    }
    return null;
  }
}
