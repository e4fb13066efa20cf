package dev.sieve.local;

import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.embedded.EmbeddedKafka;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Breaks the running system on purpose, one fault at a time, each once every job runs again after
 * the last: the Flink TaskManager killed (every job with a task on it fails and restores from its
 * last checkpoint), the broker stopped and restarted on the same log directories, the registry
 * stopped and restarted on the same storage (with a TaskManager killed during the outage, so the
 * jobs must come back without it and wait for it).
 */
final class FaultInjector {

  /** How long the jobs may take to run again after a fault; more means they did not come back. */
  private static final Duration RECOVERY = Duration.ofMinutes(4);

  private final MiniCluster flink;
  private final EmbeddedKafka kafka;
  private final ApicurioRegistry registry;
  private final Collection<JobID> jobs;
  private final Random random;
  private final PrintStream out;
  private final Supplier<String> progress;
  private final long started = System.nanoTime();
  private int nextTaskManager;
  private int failuresInjected;
  private int brokerRestarts;
  private int registryOutages;

  FaultInjector(
      MiniCluster flink,
      EmbeddedKafka kafka,
      ApicurioRegistry registry,
      Collection<JobID> jobs,
      long seed,
      PrintStream out,
      Supplier<String> progress) {
    this.flink = flink;
    this.kafka = kafka;
    this.registry = registry;
    this.jobs = jobs;
    this.random = new Random(seed);
    this.out = out;
    this.progress = progress;
  }

  /**
   * Injects faults for {@code window}: TaskManager kills throughout, the broker outage a quarter of
   * the way in, the registry outage half way.
   */
  void run(Duration window, Duration brokerOutage, Duration registryOutage) throws Exception {
    long start = System.nanoTime();
    long end = start + window.toNanos();
    long brokerAt = start + window.toNanos() / 4;
    long registryAt = start + window.toNanos() / 2;
    while (System.nanoTime() < end) {
      DemoJobs.awaitTasksRunning(flink, jobs, RECOVERY);
      Thread.sleep(3_000 + random.nextInt(5_000)); // let records flow and checkpoints complete
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      if (brokerRestarts == 0 && now >= brokerAt) {
        brokerOutage(brokerOutage);
      } else if (registryOutages == 0 && now >= registryAt) {
        registryOutage(registryOutage);
      } else {
        killTaskManager();
      }
    }
    DemoJobs.awaitTasksRunning(flink, jobs, RECOVERY);
  }

  int failuresInjected() {
    return failuresInjected;
  }

  int brokerRestarts() {
    return brokerRestarts;
  }

  int registryOutages() {
    return registryOutages;
  }

  /** Kills the TaskManager that runs every task; a fresh one takes its place. */
  private void killTaskManager() throws Exception {
    // MiniCluster indexes TaskManagers in start order and never reuses an index
    flink.terminateTaskManager(nextTaskManager++).get(1, TimeUnit.MINUTES);
    flink.startTaskManager();
    failuresInjected += jobs.size();
    say("TaskManager killed: %d jobs fail and restore from their last checkpoint", jobs.size());
  }

  private void brokerOutage(Duration outage) throws Exception {
    say("broker stopped for %d s", outage.toSeconds());
    kafka.stop();
    Thread.sleep(outage.toMillis());
    kafka.restart();
    brokerRestarts++;
    say("broker restarted on its log directories");
    awaitBack("the broker");
  }

  private void registryOutage(Duration outage) throws Exception {
    say("registry stopped for %d s", outage.toSeconds());
    registry.stop();
    Thread.sleep(outage.toMillis() / 2);
    killTaskManager(); // the jobs restart while the registry is away
    Thread.sleep(outage.toMillis() - outage.toMillis() / 2);
    registry.restart();
    registryOutages++;
    say("registry restarted on its storage");
    awaitBack("the registry");
  }

  /** Waits until every task of every job runs again, and says how long that took. */
  private void awaitBack(String what) throws Exception {
    long back = System.nanoTime();
    DemoJobs.awaitTasksRunning(flink, jobs, RECOVERY);
    say(
        "every job running again %d s after %s came back",
        Duration.ofNanos(System.nanoTime() - back).toSeconds(), what);
  }

  private void say(String format, Object... args) {
    out.printf(
        "  %4ds  %-70s %s%n",
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        String.format(format, args),
        progress.get());
  }
}
