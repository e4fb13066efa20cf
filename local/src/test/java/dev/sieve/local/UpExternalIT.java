package dev.sieve.local;

import static dev.sieve.local.UpHarness.awaitPredicted;
import static dev.sieve.local.UpHarness.modelVersions;
import static dev.sieve.local.UpHarness.resumedFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.embedded.EmbeddedKafka;
import dev.sieve.embedded.ListeningSockets;
import dev.sieve.local.UpHarness.Feed;
import dev.sieve.local.UpHarness.Up;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sieve up --bootstrap-servers … --registry-url …}: a user's Kafka and registry (here an
 * embedded broker and an Apicurio registry the test starts), and only Flink and the jobs in the
 * {@code up} child JVM. Topics are created on the user's broker, every event is predicted exactly
 * once across {@code down} and a resume from savepoints, {@code up} listens only with the web UI on
 * 127.0.0.1, and the data directory refuses other addresses, or none.
 */
class UpExternalIT {

  private static final String CLASSIFIER = "topic";
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private final UpHarness harness = new UpHarness("UpExternalIT");
  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    harness.close();
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  @Test
  void runsOnlyFlinkAgainstTheUsersKafkaAndResumesFromSavepoints() throws Exception {
    long t0 = System.nanoTime();
    StringWriter usage = new StringWriter();
    int halfGiven =
        Sieve.commandLine()
            .setErr(new PrintWriter(usage))
            .execute("up", "--bootstrap-servers", "127.0.0.1:9092");
    assertThat(halfGiven).isEqualTo(2);
    assertThat(usage.toString()).contains("Missing required argument").contains("--registry-url");

    CompletableFuture<ApicurioRegistry> startingRegistry =
        CompletableFuture.supplyAsync(ApicurioRegistry::start);
    EmbeddedKafka kafka = EmbeddedKafka.start();
    servers.add(kafka);
    ApicurioRegistry registry = startingRegistry.join();
    servers.add(registry);
    String bootstrap = kafka.bootstrapServers();
    String registryUrl = registry.confluentApiUrl();
    String[] external = {"--bootstrap-servers", bootstrap, "--registry-url", registryUrl};
    phase("the user's Kafka and registry running", t0);

    Up first = harness.startUp(external);
    assertThat(first.log())
        .contains("no earlier state")
        .contains("created topic sieve.content.raw")
        .contains("Kafka             " + bootstrap + " (yours)");
    assertOnlyTheWebUiListens(first);
    Properties settings = harness.settingsProperties();
    assertThat(settings.getProperty("bootstrap.servers")).isEqualTo(bootstrap);
    assertThat(settings.getProperty("schema.registry.url")).isEqualTo(registryUrl);
    assertThat(
            Sieve.commandLine()
                .execute(
                    "classifier",
                    "create",
                    CLASSIFIER,
                    "--labels",
                    "billing,shipping,bug,praise",
                    "--config",
                    harness.settings().toString()))
        .isZero();
    phase("up ready, classifier published", t0);

    Feed feed = Feed.start(bootstrap, "first-", 200, Duration.ZERO);
    feed.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    awaitPredicted(bootstrap, registryUrl, CLASSIFIER, feed.ids, DEADLINE);
    assertThat(down()).isZero();
    // down returns once the process has exited; this JVM's Process object learns it from its own
    // reaper thread a moment later
    assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.process().exitValue()).isZero();
    assertThat(first.log()).contains("savepoint");
    phase("200 events predicted, down", t0);

    Up elsewhere =
        harness.run(
            "up",
            "--data-dir",
            harness.dataDir.toString(),
            "--port-base",
            "" + harness.portBase,
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--registry-url",
            registryUrl);
    assertThat(elsewhere.process().exitValue()).isEqualTo(1);
    assertThat(elsewhere.log())
        .contains("was created with --bootstrap-servers " + bootstrap)
        .contains("not --bootstrap-servers 127.0.0.1:1");
    Up own =
        harness.run(
            "up", "--data-dir", harness.dataDir.toString(), "--port-base", "" + harness.portBase);
    assertThat(own.process().exitValue()).isEqualTo(1);
    assertThat(own.log()).contains("not its own broker and registry");
    assertThat(harness.dataDir.resolve("kafka")).doesNotExist();
    phase("other addresses refused", t0);

    Up second = harness.startUp(external);
    assertThat(second.log())
        .as("every job resumes from its savepoint")
        .containsPattern(resumedFrom("savepoints"))
        .doesNotContain("created topic");
    Feed last = Feed.start(bootstrap, "last-", 50, Duration.ZERO);
    last.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    List<String> all = new ArrayList<>(feed.ids);
    all.addAll(last.ids);
    Map<String, List<Prediction>> predicted =
        awaitPredicted(bootstrap, registryUrl, CLASSIFIER, all, DEADLINE);
    phase("resumed, " + all.size() + " events predicted", t0);

    assertThat(feed.failures).isEmpty();
    assertThat(last.failures).isEmpty();
    assertThat(predicted.keySet()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(predicted.values())
        .as("predictions per event and classifier")
        .allSatisfy(p -> assertThat(p).hasSize(1));
    assertThat(modelVersions(bootstrap, registryUrl, CLASSIFIER))
        .extracting(ModelVersion::getVersion)
        .containsExactly(0);
    assertThat(down()).isZero();
    // down returns once the process has exited; this JVM's Process object learns it from its own
    // reaper thread a moment later
    assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process().exitValue()).isZero();
    assertThat(kafka.isRunning()).as("the user's broker outlives up").isTrue();
    assertThat(registry.isRunning()).as("the user's registry outlives up").isTrue();
  }

  /**
   * No broker, controller or registry of its own: what it serves, on loopback, is the web UI and
   * (on a free port) the MiniCluster's blob server, which hands the jobs their code.
   */
  private void assertOnlyTheWebUiListens(Up up) {
    assertThat(Files.exists(harness.dataDir.resolve(DataDir.REGISTRY_PID_FILE)))
        .as("a registry started by up")
        .isFalse();
    List<InetSocketAddress> listeners = ListeningSockets.tcpListeners(up.process().pid());
    System.out.println("UpExternalIT: listeners of up: " + listeners);
    assertThat(listeners)
        .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue())
        .hasSizeLessThanOrEqualTo(2)
        .extracting(InetSocketAddress::getPort)
        .contains(harness.portBase + 2)
        .doesNotContain(harness.portBase, harness.portBase + 1, harness.portBase + 3);
  }

  private int down() {
    return Sieve.commandLine().execute("down", "--data-dir", harness.dataDir.toString());
  }

  private static void phase(String done, long t0) {
    UpHarness.phase("UpExternalIT", done, t0);
  }
}
