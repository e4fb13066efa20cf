package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.util.FlinkException;
import org.junit.jupiter.api.Test;

class SavepointsTest {

  private static final Duration PATIENCE = Duration.ofMinutes(1);

  @Test
  void asksAgainWhileTasksAreNotRunningAndReturnsThePath() throws Exception {
    Requests requests =
        new Requests(
            CompletableFuture.failedFuture(notAllTasksRunning()),
            CompletableFuture.failedFuture(new FlinkException("stop failed", notAllTasksRunning())),
            CompletableFuture.completedFuture("file:/savepoints/savepoint-1"));

    String path = Savepoints.stopWithSavepoint(requests, PATIENCE, PATIENCE);

    assertThat(path).isEqualTo("file:/savepoints/savepoint-1");
    assertThat(requests.asked).isEqualTo(3);
  }

  @Test
  void throwsAnyOtherFailureAtOnce() {
    CheckpointException declined =
        new CheckpointException(CheckpointFailureReason.CHECKPOINT_DECLINED);
    Requests requests =
        new Requests(
            CompletableFuture.failedFuture(declined),
            CompletableFuture.completedFuture("file:/never"));

    assertThatThrownBy(() -> Savepoints.stopWithSavepoint(requests, PATIENCE, PATIENCE))
        .isInstanceOf(ExecutionException.class)
        .hasCause(declined);
    assertThat(requests.asked).isEqualTo(1);
  }

  @Test
  void throwsTheRefusalOncePatienceHasRunOut() {
    Requests requests =
        new Requests(
            CompletableFuture.failedFuture(notAllTasksRunning()),
            CompletableFuture.completedFuture("file:/never"));

    assertThatThrownBy(() -> Savepoints.stopWithSavepoint(requests, Duration.ZERO, PATIENCE))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            CheckpointException.class,
            c ->
                assertThat(c.getCheckpointFailureReason())
                    .isEqualTo(CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING));
    assertThat(requests.asked).isEqualTo(1);
  }

  @Test
  void aRequestThatTakesTooLongTimesOut() {
    Requests requests = new Requests(new CompletableFuture<>());

    assertThatThrownBy(
            () -> Savepoints.stopWithSavepoint(requests, PATIENCE, Duration.ofMillis(50)))
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void recognisesTheRefusalAnywhereInTheCauses() {
    assertThat(Savepoints.tasksNotRunning(new ExecutionException(notAllTasksRunning()))).isTrue();
    assertThat(Savepoints.tasksNotRunning(new IOException("disk full"))).isFalse();
    assertThat(
            Savepoints.tasksNotRunning(
                new CheckpointException(CheckpointFailureReason.IO_EXCEPTION)))
        .isFalse();
  }

  private static CheckpointException notAllTasksRunning() {
    return new CheckpointException(CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING);
  }

  /** One answer per request, in order. */
  private static final class Requests implements Supplier<CompletableFuture<String>> {
    private final Deque<CompletableFuture<String>> answers;
    int asked;

    @SafeVarargs
    Requests(CompletableFuture<String>... answers) {
      this.answers = new ArrayDeque<>(List.of(answers));
    }

    @Override
    public CompletableFuture<String> get() {
      asked++;
      return answers.removeFirst();
    }
  }
}
