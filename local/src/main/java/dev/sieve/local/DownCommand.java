package dev.sieve.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sieve down}: asks the {@code ./sieve up} running on a data directory to stop as Ctrl-C
 * would (every job with a savepoint, then the servers), by sending SIGTERM to the pid it recorded,
 * and waits until it has exited.
 */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stops the ./sieve up running on a data directory as Ctrl-C would: every job with a"
          + " savepoint, then Flink, the registry and the broker. Waits until it has exited."
    })
public final class DownCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      defaultValue = ".sieve",
      description = "The data directory of the ./sieve up to stop (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      description = "Give up waiting for it to exit after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    Optional<ProcessHandle> up =
        DataDir.readPid(dataDir).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (up.isEmpty()) {
      System.out.println("sieve down: no ./sieve up runs on " + dataDir.toAbsolutePath());
      return 0;
    }
    ProcessHandle process = up.get();
    System.out.println(
        "sieve down: stopping ./sieve up (pid " + process.pid() + "), savepoints first ...");
    process.destroy();
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      System.err.println(
          "sieve down: pid " + process.pid() + " still runs after " + timeout + "; giving up");
      return 1;
    }
    System.out.println("sieve down: stopped");
    return 0;
  }
}
