package dev.sieve.testkit;

import dev.sieve.embedded.Savepoints;
import dev.sieve.embedded.TempDirs;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An upgrade as an operator does it: stop the job with a savepoint in the canonical format (the one
 * that survives a change of state backend or Flink version), then submit the new jar from it with
 * {@code execution.savepoint.path} and {@code execution.savepoint.ignore-unclaimed-state=false}, so
 * that a savepoint holding state no operator of the new job claims is refused, never silently
 * dropped (what {@code flink stop --savepointPath … --type canonical} and {@code flink run -s …}
 * do).
 */
public final class Upgrades {

  private Upgrades() {}

  /**
   * Stops {@code job} with a canonical savepoint in a new temporary directory, without draining
   * (windows and timers stay in state), and returns the savepoint's path once the job has finished.
   */
  public static String stopWithSavepoint(JobClient job) throws Exception {
    String dir = TempDirs.create("sieve-it-savepoint-").toUri().toString();
    // Asked again while some tasks are not running yet (seen in CI: the retrain trigger's second
    // subtask, which no label had reached), as `sieve up` and an operator with `flink stop` do.
    String savepoint = Savepoints.stopWithSavepoint(job, dir, ItStack.DEADLINE, ItStack.DEADLINE);
    JobStatus status = job.getJobStatus().get(ItStack.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    if (status != JobStatus.FINISHED) {
      throw new IllegalStateException("job " + job.getJobID() + " is " + status + " after stop");
    }
    return savepoint;
  }

  /**
   * An environment whose next job restores from {@code savepoint}, refusing to start if any of the
   * savepoint's state belongs to no operator of the job.
   */
  public static StreamExecutionEnvironment restoringFrom(String savepoint) {
    Configuration restore = new Configuration();
    restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
    return StreamExecutionEnvironment.getExecutionEnvironment(restore);
  }
}
