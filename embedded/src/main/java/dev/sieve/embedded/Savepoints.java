package dev.sieve.embedded;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Stop-with-savepoint as an operator does it with {@code flink stop --type canonical}: a savepoint
 * in the canonical format (the one that survives a change of state backend or Flink version),
 * without draining (windows and timers stay in state), asked for again while Flink refuses it
 * because some of the job's tasks are not running yet.
 *
 * <p>A job counts as RUNNING before every task is: a subtask that has not started yet (just after
 * the submission, or while a task restarts) makes Flink refuse the savepoint at once with {@link
 * CheckpointFailureReason#NOT_ALL_REQUIRED_TASKS_RUNNING} and leave the job running, and a moment
 * later the same request succeeds. Any other failure is thrown at once.
 */
public final class Savepoints {

  /** The pause between a refused request and the next one. */
  static final Duration PAUSE = Duration.ofMillis(200);

  private Savepoints() {}

  /**
   * Stops {@code job} with a canonical savepoint in {@code targetDirectory} and returns the
   * savepoint's path.
   *
   * @param askAgainFor how long after the first request a refusal for tasks not yet running is
   *     answered with a new request rather than thrown
   * @param attemptTimeout how long one request may take to write its savepoint
   * @throws ExecutionException the request's failure: not about tasks not yet running, or still
   *     about them once {@code askAgainFor} has passed
   * @throws TimeoutException a request took longer than {@code attemptTimeout}
   */
  public static String stopWithSavepoint(
      JobClient job, String targetDirectory, Duration askAgainFor, Duration attemptTimeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    return stopWithSavepoint(
        () -> job.stopWithSavepoint(false, targetDirectory, SavepointFormatType.CANONICAL),
        askAgainFor,
        attemptTimeout);
  }

  /**
   * The same for the job {@code job} of {@code cluster}: see {@link #stopWithSavepoint(JobClient,
   * String, Duration, Duration)}.
   */
  public static String stopWithSavepoint(
      MiniCluster cluster,
      JobID job,
      String targetDirectory,
      Duration askAgainFor,
      Duration attemptTimeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    return stopWithSavepoint(
        () -> cluster.stopWithSavepoint(job, targetDirectory, false, SavepointFormatType.CANONICAL),
        askAgainFor,
        attemptTimeout);
  }

  /** The loop: {@code request} is one stop-with-savepoint request, answered with its path. */
  static String stopWithSavepoint(
      Supplier<? extends Future<String>> request, Duration askAgainFor, Duration attemptTimeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + askAgainFor.toNanos();
    while (true) {
      try {
        return request.get().get(attemptTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!tasksNotRunning(e) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(PAUSE.toMillis());
      }
    }
  }

  /** Whether {@code e} or one of its causes is Flink's refusal for tasks not yet running. */
  static boolean tasksNotRunning(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CheckpointException c
          && c.getCheckpointFailureReason()
              == CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING) {
        return true;
      }
    }
    return false;
  }
}
