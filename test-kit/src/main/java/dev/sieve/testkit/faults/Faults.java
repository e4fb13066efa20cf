package dev.sieve.testkit.faults;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-shot faults a test arms and a job's wrapped parts ({@link FaultySource}, {@link FaultySink})
 * trip: a real exception thrown inside a running task, which Flink answers with a restart from the
 * last completed checkpoint. Static, because a MiniCluster runs the job's tasks in the test's JVM;
 * named, so that every wrapped part of a job has its own fault and tests never share one.
 *
 * <p>{@code arm(name, n)} makes the {@code n}-th next {@link #trip} of that name (counted over all
 * subtasks) throw {@link InjectedFault}, once; a fault that is not armed never throws.
 */
public final class Faults {

  private static final Map<String, AtomicLong> REMAINING = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> FIRED = new ConcurrentHashMap<>();

  private Faults() {}

  /** After {@code calls} more trips of {@code name} pass, the next one throws (once). */
  public static void arm(String name, long calls) {
    REMAINING.computeIfAbsent(name, n -> new AtomicLong(-1)).set(calls);
  }

  /** Disarms {@code name}: it no longer throws. */
  public static void disarm(String name) {
    arm(name, -1);
  }

  /** How many times {@code name} has thrown. */
  public static long fired(String name) {
    return FIRED.computeIfAbsent(name, n -> new AtomicLong()).get();
  }

  /** Called by a wrapped part at its fault point: throws if {@code name} is armed and due. */
  public static void trip(String name) {
    AtomicLong remaining = REMAINING.get(name);
    if (remaining != null && remaining.get() >= 0 && remaining.getAndDecrement() == 0) {
      FIRED.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
      throw new InjectedFault(name);
    }
  }

  /** The exception an armed fault throws. */
  public static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String name) {
      super("injected fault (test): " + name);
    }
  }
}
