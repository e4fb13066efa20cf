package dev.sieve.cli.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a command that runs until stopped: a JVM shutdown hook that marks the command stopped,
 * wakes it ({@code consumer.wakeup()}, say) and then waits, up to ten seconds, for the command to
 * finish its output and close its clients, so that the JVM exits only after a clean end. Closing it
 * removes the hook, so a command run twice in one JVM (tests) leaves none behind.
 */
final class StopSignal implements AutoCloseable {

  private static final long GRACE_SECONDS = 10;

  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopped;

  StopSignal(Runnable wake) {
    this.hook =
        new Thread(
            () -> {
              stopped = true;
              if (finished.getCount() == 0) {
                return; // the command has already ended
              }
              try {
                wake.run();
              } catch (RuntimeException closedMeanwhile) {
                // the command closed its client between our check and the call: nothing to wake
              }
              try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sieve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Whether Ctrl-C (or another shutdown) asked the command to stop. */
  boolean stopped() {
    return stopped;
  }

  /** The command is done: lets a pending shutdown go on, or removes the hook. */
  @Override
  public void close() {
    finished.countDown();
    if (!stopped) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already shutting down: the hook runs and returns at once
      }
    }
  }
}
