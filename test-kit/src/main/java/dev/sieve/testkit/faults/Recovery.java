package dev.sieve.testkit.faults;

import static org.awaitility.Awaitility.await;

import dev.sieve.testkit.ItStack;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Waiting for a job to fail and come back: how a recovery test knows an injected fault happened,
 * that Flink restarted the job for it, and how it kills a MiniCluster TaskManager.
 */
public final class Recovery {

  private Recovery() {}

  /** Waits until the fault {@code name} has thrown at least once. */
  public static void awaitFired(String name) {
    await("fault " + name).atMost(ItStack.DEADLINE).until(() -> Faults.fired(name) > 0);
  }

  /** The job's {@code numRestarts} gauge; 0 while it has none. */
  public static long restarts(ItStack it, JobClient job) {
    List<Object> values = it.gauges(job.getJobID(), ".numRestarts");
    return values.isEmpty() ? 0L : ((Number) values.get(0)).longValue();
  }

  /**
   * Waits until the job has restarted at least {@code times} times in all and runs again; fails at
   * once if it stopped for good.
   */
  public static void awaitRestarted(ItStack it, JobClient job, long times) {
    await("job " + job.getJobID() + " restarted " + times + " times and running")
        .atMost(ItStack.DEADLINE)
        .failFast("the job failed or ended", () -> ItStack.status(job).isGloballyTerminalState())
        .until(() -> restarts(it, job) >= times && ItStack.status(job) == JobStatus.RUNNING);
  }

  /**
   * Terminates the MiniCluster's TaskManager number {@code index} (in start order; a terminated one
   * keeps its number) as a crash would, then starts a fresh one for the job to restart on. A test
   * gets the cluster as a parameter: {@code @InjectMiniCluster MiniCluster flink}.
   */
  public static void replaceTaskManager(MiniCluster flink, int index) throws Exception {
    flink.terminateTaskManager(index).get();
    flink.startTaskManager();
  }
}
