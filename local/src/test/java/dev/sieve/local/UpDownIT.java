package dev.sieve.local;

import static dev.sieve.local.UpHarness.awaitPredicted;
import static dev.sieve.local.UpHarness.modelVersions;
import static dev.sieve.local.UpHarness.predictions;
import static dev.sieve.local.UpHarness.resumedFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sieve.embedded.ListeningSockets;
import dev.sieve.local.UpHarness.Feed;
import dev.sieve.local.UpHarness.Up;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sieve up} as a user runs it, in a child JVM on a data directory: killed with {@code kill
 * -9} mid-stream it resumes every job from its retained checkpoint; stopped with {@code ./sieve
 * down} (SIGTERM, the Ctrl-C path) it writes a savepoint per job and resumes from it; across both,
 * every event is predicted exactly once ({@code read_committed}) and the published classifier
 * version is still served.
 */
class UpDownIT {

  private static final String CLASSIFIER = "topic";
  private static final int FIRST_EVENTS = 1_500;
  private static final int LAST_EVENTS = 50;
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  private final UpHarness harness = new UpHarness("UpDownIT");
  private final Path dataDir = harness.dataDir;
  private final int portBase = harness.portBase;

  @AfterEach
  void cleanUp() {
    harness.close();
  }

  @Test
  void resumesAfterKillAndAfterDownWithEveryEventPredictedOnce() throws Exception {
    long t0 = System.nanoTime();
    Up first = harness.startUp();
    assertThat(first.log()).contains("no earlier state");
    assertEveryListenerOnLoopback(first);
    assertThatThrownBy(() -> DataDir.lock(dataDir))
        .hasMessageContaining("another ./sieve up runs on");
    Path settings = harness.settings();
    assertThat(Sieve.commandLine().execute(classifierCreate(settings))).isZero();
    Properties props = harness.settingsProperties();
    String bootstrap = props.getProperty("bootstrap.servers");
    String registryUrl = props.getProperty("schema.registry.url");
    // the deployment's key pair, generated on the first start: the private key owner-only
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(DataDir.SIGNING_KEY))))
        .isEqualTo("rw-------");
    assertThat(props.getProperty("sieve.model.trusted.keys")).endsWith(DataDir.PUBLIC_KEY);
    phase("up ready, classifier published", t0);

    Feed feed = Feed.start(bootstrap, "first-", FIRST_EVENTS, Duration.ofMillis(25));
    await("a first prediction")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !predictions(bootstrap, registryUrl, CLASSIFIER).isEmpty());
    // killed before its first completed checkpoint, a job has nothing to resume from
    await("a completed checkpoint of every job")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> UpHarness.JOBS.stream().allMatch(this::hasCompletedCheckpoint));
    int sentAtKill = feed.acknowledged.get();
    first.process().destroyForcibly().waitFor();
    assertThat(sentAtKill).as("events acknowledged when killed").isLessThan(FIRST_EVENTS);
    phase("kill -9 after " + sentAtKill + " events acknowledged", t0);

    Up second = harness.startUp();
    assertThat(second.log())
        .as("every job resumes from its retained checkpoint")
        .containsPattern(resumedFrom("checkpoints"));
    feed.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(feed.failures).isEmpty();
    awaitPredicted(bootstrap, registryUrl, CLASSIFIER, feed.ids, DEADLINE);
    phase("second up, " + FIRST_EVENTS + " events predicted", t0);

    assertThat(Sieve.commandLine().execute("down", "--data-dir", dataDir.toString())).isZero();
    // down returns once the process has exited; this JVM's Process object learns it from its own
    // reaper thread a moment later
    assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process().exitValue()).isZero();
    for (String job : UpHarness.JOBS) {
      try (Stream<Path> savepoints = Files.list(dataDir.resolve("flink/savepoints").resolve(job))) {
        assertThat(savepoints.filter(p -> Files.isRegularFile(p.resolve("_metadata"))))
            .as("savepoint of " + job)
            .hasSize(1);
      }
    }
    phase("down: a savepoint per job", t0);

    Up third = harness.startUp();
    assertThat(third.log())
        .as("every job resumes from its savepoint")
        .containsPattern(resumedFrom("savepoints"));
    Feed last = Feed.start(bootstrap, "last-", LAST_EVENTS, Duration.ZERO);
    last.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    List<String> all = new ArrayList<>(feed.ids);
    all.addAll(last.ids);
    Map<String, List<Prediction>> predicted =
        awaitPredicted(bootstrap, registryUrl, CLASSIFIER, all, DEADLINE);
    phase("third up, " + all.size() + " events predicted", t0);

    assertThat(predicted.keySet()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(predicted.values())
        .as("predictions per event and classifier")
        .allSatisfy(p -> assertThat(p).hasSize(1));
    assertThat(last.ids)
        .allSatisfy(id -> assertThat(predicted.get(id).get(0).getModelVersion()).isZero());
    assertThat(modelVersions(bootstrap, registryUrl, CLASSIFIER))
        .extracting(ModelVersion::getVersion)
        .containsExactly(0);
    assertThat(Sieve.commandLine().execute("down", "--data-dir", dataDir.toString())).isZero();
    // down returns once the process has exited; this JVM's Process object learns it from its own
    // reaper thread a moment later
    assertThat(third.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(third.process().exitValue()).isZero();
  }

  /** Every listener of {@code up} and of the registry it started is on 127.0.0.1. */
  static void assertEveryListenerOnLoopback(Path dataDir, Up up, int portBase) {
    long registry = DataDir.readPidFile(dataDir.resolve(DataDir.REGISTRY_PID_FILE)).orElseThrow();
    for (long pid : new long[] {up.process().pid(), registry}) {
      assertThat(ListeningSockets.tcpListeners(pid))
          .as("listeners of pid " + pid)
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    }
    assertThat(ListeningSockets.tcpListeners(up.process().pid()))
        .extracting(a -> a.getPort())
        .contains(portBase, portBase + 2, portBase + 3);
  }

  private void assertEveryListenerOnLoopback(Up up) {
    assertEveryListenerOnLoopback(dataDir, up, portBase);
  }

  private String[] classifierCreate(Path settings) {
    return new String[] {
      "classifier",
      "create",
      CLASSIFIER,
      "--labels",
      "billing,shipping,bug,praise",
      "--config",
      settings.toString()
    };
  }

  private static void phase(String done, long t0) {
    UpHarness.phase("UpDownIT", done, t0);
  }

  /**
   * Whether {@code job} has a completed checkpoint: flink/checkpoints/<job>/<job
   * id>/chk-N/_metadata.
   */
  private boolean hasCompletedCheckpoint(String job) {
    Path dir = dataDir.resolve("flink/checkpoints").resolve(job);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files.anyMatch(f -> f.getFileName().toString().equals("_metadata"));
    } catch (IOException e) {
      return false; // a checkpoint directory being written or removed: look again
    }
  }
}
