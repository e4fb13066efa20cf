package dev.sieve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.compose.ComposeFile;
import dev.sieve.compose.ComposeFile.FlinkRun;
import dev.sieve.compose.ComposeFile.TopicSpec;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.ListeningSockets;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.client.cli.CliFrontend;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jars that docker-compose.yml deploys, on a real multi-process Flink standalone
 * session cluster (a JobManager JVM and a TaskManager JVM on 127.0.0.1, RocksDB state, checkpoints
 * in a temporary directory) whose classpath is Flink's jars plus exactly the {@code lib/} jars the
 * compose file mounts, with the compose file's Flink configuration and JVM options. The jobs are
 * submitted by the compose file's own {@code flink run} commands, run through Flink's CLI
 * (RestClusterClient: the jar is uploaded and the job graph submitted over the REST API), with only
 * the addresses swapped for the embedded broker and registry and the jar paths for the build's.
 *
 * <p>Not exercised: the Prometheus reporter (its HTTP server binds every interface and has no host
 * option, and every server here listens on 127.0.0.1 only) and the images themselves.
 */
class StandaloneClusterIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();

  private static final String CLASSIFIER = "support";
  private static final List<String> LABELS = List.of("billing", "shipping", "bug", "praise");
  private static final List<String> DESCRIPTIONS =
      List.of(
          "a question or complaint about a bill, a charge, a refund or a payment",
          "a question about a delivery, a parcel, tracking or shipping times",
          "a report that the app or website crashes, shows an error or does not work",
          "a thank-you or compliment, a happy customer");
  private static final List<String> TEXTS =
      List.of(
          "I was charged twice for my subscription this month, please refund one",
          "Where is my parcel? Tracking has not moved for five days",
          "The app crashes every time I open the settings page",
          "Thank you so much, your support team was wonderful",
          "Why does my invoice show a fee I never agreed to?",
          "My order still has not shipped after two weeks",
          "Login fails with error 500 since the last update",
          "Great product, it works perfectly, I love it",
          "Can I get my money back for the cancelled plan?",
          "The courier left my package at the wrong address",
          "Clicking save does nothing and the page freezes",
          "Best customer service I have ever had, thanks!");

  /** Upper bound of each wait; on a quiet two-core machine each takes seconds. */
  private static final Duration DEADLINE = Duration.ofSeconds(180);

  private static final int SLOTS = 4;

  private static final long STARTED = System.nanoTime();
  private static long lastPhase = STARTED;

  private static ComposeFile compose;

  /** The broker and registry; the topics are the compose file's (its prefix, not the kit's). */
  private static ItStack stack;

  private static StandaloneCluster cluster;

  @BeforeAll
  static void startStackAndCluster() {
    compose = ComposeFile.load();
    // One after the other: started together on two cores, the registry's start has run past its
    // own timeout on a loaded machine.
    stack = new ItStack("standalone-it", null);
    phase("broker and registry up");
    cluster = startCluster();
    phase("JobManager and TaskManager up");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close(); // both JVMs stopped, their directory deleted; the stack stops with the JVM
    }
  }

  @Test
  void theComposeFilesJobsRunOnAStandaloneClusterAndPredict() throws Exception {
    try {
      createTopics();
      publishZeroShotVersion(KEYS.signingKey());

      List<FlinkRun> runs = compose.flinkRuns();
      phase("topics created, zero-shot version 0 published");
      for (FlinkRun run : runs) {
        submit(run);
      }
      phase(runs.size() + " jobs submitted");
      Map<String, String> jobs = awaitAllRunning(runs.size());
      phase("every job and task RUNNING");
      assertThat(jobs.keySet())
          .as("the names the submitter's 'already running?' check looks for")
          .containsExactlyInAnyOrderElementsOf(runs.stream().map(FlinkRun::guard).toList());

      Map<String, String> texts = produceContent("first");
      Map<String, Prediction> predictions = awaitPredictions(texts.keySet());
      phase(predictions.size() + " predictions read");

      assertThat(predictions.keySet()).containsExactlyInAnyOrderElementsOf(texts.keySet());
      assertThat(predictions.values())
          .allSatisfy(
              p -> {
                assertThat(p.getClassifier()).isEqualTo(CLASSIFIER);
                assertThat(p.getModelVersion()).isZero();
                assertThat(LABELS).contains(p.getLabel());
                assertThat(p.getScores()).containsOnlyKeys(LABELS.toArray(String[]::new));
                assertThat(p.getConfidence()).isBetween(0.0, 1.0);
              });

      // What lib/ is for: inference-job cancelled and submitted again into the same TaskManager
      // loads the model runtime again (a native library loaded by a job's own class loader would
      // fail here with "already loaded in another classloader") and predicts.
      FlinkRun inference = run("InferenceJob");
      String cancelled = jobs.get(inference.guard());
      cluster.cancel(cancelled);
      await("inference-job cancelled")
          .atMost(DEADLINE)
          .until(
              () -> "CANCELED".equals(cluster.rest("/jobs/" + cancelled).path("state").asText()));
      submit(inference);
      Map<String, String> again = awaitAllRunning(runs.size());
      assertThat(again.get(inference.guard())).isNotEqualTo(cancelled);
      Map<String, String> later = produceContent("again");
      assertThat(awaitPredictions(later.keySet()).values())
          .allSatisfy(p -> assertThat(p.getModelVersion()).isZero());
      phase("inference-job cancelled, resubmitted, predicting");

      // Still all running, and not one task failed on the way.
      assertThat(awaitAllRunning(runs.size())).isEqualTo(again);
      for (String id : again.values()) {
        JsonNode failures =
            cluster.rest("/jobs/" + id + "/exceptions").path("exceptionHistory").path("entries");
        assertThat(failures).as("failures of job " + id + ": " + failures).isEmpty();
      }
      for (long pid : List.of(cluster.jobManagerPid(), cluster.taskManagerPid())) {
        List<InetSocketAddress> listeners = ListeningSockets.tcpListeners(pid);
        assertThat(listeners).as("listeners of pid " + pid).isNotEmpty();
        assertThat(listeners)
            .allSatisfy(
                a -> assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue());
      }

      // The TaskManager killed with kill -9 mid-stream and a new one started: every job restarts
      // from its last checkpoint (the same job ids, not resubmitted) and each event still gets
      // exactly one prediction.
      Map<String, String> killed = produceContent("killed", 120);
      assertThat(cluster.killTaskManager()).as("exit code of kill -9").isEqualTo(137);
      phase("TaskManager killed with kill -9 mid-stream");
      cluster.startTaskManager();
      awaitFailureSeen(again.values());
      assertThat(awaitAllRunning(runs.size())).isEqualTo(again);
      phase("new TaskManager up, every job restarted and RUNNING");
      Map<String, String> after = produceContent("restarted", 12);
      Set<String> ids = new HashSet<>(killed.keySet());
      ids.addAll(after.keySet());
      awaitPredictions(ids);
      awaitCheckpoint(again.values());
      String predictionsTopic = Topics.PREDICTIONS.name(prefix());
      ConfluentAvroCodec<Prediction> codec = stack.codec(Prediction.class);
      Map<String, Long> perEvent =
          stack.readCommittedToEnd(predictionsTopic).stream()
              .map(r -> codec.decode(r.value()).getContentId())
              .filter(ids::contains)
              .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
      assertThat(perEvent.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(perEvent.values()).as("predictions per event").containsOnly(1L);
      assertThat(awaitAllRunning(runs.size())).isEqualTo(again);
      phase(ids.size() + " events predicted exactly once after the kill");
    } catch (Throwable t) {
      System.err.println(cluster.logTails());
      throw t;
    }
  }

  /** Prints how long each phase took: a figure for the reader, never an assertion. */
  private static void phase(String done) {
    long now = System.nanoTime();
    System.out.printf(
        "StandaloneClusterIT: %-50s %6.1f s (%.1f s since the start)%n",
        done, (now - lastPhase) / 1e9, (now - STARTED) / 1e9);
    lastPhase = now;
  }

  // ------------------------------------------------------------------ cluster

  /**
   * Flink's jars (from the build's classpath file), the lib jars the compose file mounts, the
   * compose file's Flink configuration less the Prometheus reporter, its JVM options.
   */
  private static StandaloneCluster startCluster() {
    try {
      List<Path> flinkJars =
          Stream.of(
                  Files.readString(ComposeFile.MODULE_DIR.resolve("target/flink-classpath.txt"))
                      .trim()
                      .split(":"))
              .map(Path::of)
              .toList();
      Path lib = compose.hostPath("taskmanager", "/opt/flink/lib/sieve");
      List<Path> libJars;
      try (Stream<Path> files = Files.list(lib)) {
        libJars = files.filter(f -> f.toString().endsWith(".jar")).toList();
      }
      Map<String, String> config =
          new LinkedHashMap<>(compose.service("taskmanager").flinkProperties());
      String javaOptions = config.remove("env.java.opts.all");
      config.keySet().removeIf(k -> k.startsWith("metrics.reporter."));
      // The JobManager notices a TaskManager killed with kill -9 after two failed heartbeats: every
      // 2 s here instead of Flink's 10 s, so that the kill below costs seconds, not tens of them.
      config.put("heartbeat.interval", "2000");
      return StandaloneCluster.start(
          flinkJars, libJars, config, List.of(javaOptions.split("\\s+")), SLOTS);
    } catch (IOException e) {
      throw new IllegalStateException("run the build first (target/ is laid out by it)", e);
    }
  }

  /** An empty client properties file: the test stack's broker is PLAINTEXT. */
  private static Path plaintextClientProperties() {
    try {
      Path file = Files.createTempFile("sieve-plaintext-", ".properties");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One {@code flink run} line of the compose file, addresses swapped, through Flink's CLI. */
  private static void submit(FlinkRun composeRun) {
    FlinkRun run =
        composeRun.with(
            cluster.restAddress(),
            compose.hostPath(ComposeFile.SUBMITTER, composeRun.jar()).toString(),
            keyFiles(
                composeRun,
                Map.of(
                    "bootstrap-servers", stack.bootstrapServers(),
                    "registry-url", stack.registryUrl(),
                    // the compose file's SASL_SSL client settings do not apply to the test stack's
                    // PLAINTEXT broker (SecuredLoopIT runs the jobs against a secured one)
                    "kafka-properties", plaintextClientProperties().toString())));
    Configuration client = new Configuration();
    client.set(RestOptions.ADDRESS, StandaloneCluster.LOOPBACK);
    // Unlike the compose file's submitter, this JVM has the Kafka connector and clients on its
    // classpath (through the job modules): Flink's classes load parent-first, so the jar's own
    // kafka-clients would clash with the connector's (a LinkageError on OffsetResetStrategy while
    // main() builds the job graph). In this client only, Kafka's classes load parent-first too.
    client.setString("classloader.parent-first-patterns.additional", "org.apache.kafka.");
    String configDir = cluster.configDir().toString();
    CliFrontend cli =
        new CliFrontend(client, CliFrontend.loadCustomCommandLines(client, configDir));
    int exit = cli.parseAndRun(run.arguments().toArray(String[]::new));
    assertThat(exit).as("flink " + String.join(" ", composeRun.arguments())).isZero();
  }

  /** Job name → id, once every job not cancelled, and every one of its tasks, is RUNNING. */
  private static Map<String, String> awaitAllRunning(int expected) {
    Map<String, String> jobs = new HashMap<>();
    await("all " + expected + " jobs and their tasks running")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              jobs.clear();
              for (JsonNode job : cluster.rest("/jobs/overview").path("jobs")) {
                String state = job.path("state").asText();
                if ("CANCELED".equals(state)) {
                  continue;
                }
                if (!"RUNNING".equals(state)) {
                  return false;
                }
                String id = job.path("jid").asText();
                for (JsonNode vertex : cluster.rest("/jobs/" + id).path("vertices")) {
                  if (!"RUNNING".equals(vertex.path("status").asText())) {
                    return false;
                  }
                }
                jobs.put(job.path("name").asText(), id);
              }
              return jobs.size() == expected;
            });
    return Map.copyOf(jobs);
  }

  // ------------------------------------------------------------------ records

  /** The topics the compose file's init container creates, with its partitions and configs. */
  private static void createTopics() {
    List<NewTopic> topics = new ArrayList<>();
    for (TopicSpec t : compose.topics()) {
      topics.add(new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()));
    }
    stack.createTopics(topics);
  }

  /**
   * The compose file's key files (model-keys-init's volumes) swapped for this run's throwaway pair,
   * for the runs that name them.
   */
  private static Map<String, String> keyFiles(FlinkRun run, Map<String, String> swapped) {
    Map<String, String> out = new HashMap<>(swapped);
    if (run.jobArgument("model-trusted-keys").isPresent()) {
      out.put("model-trusted-keys", KEYS.publicKey().toString());
    }
    if (run.jobArgument("signing-key-file").isPresent()) {
      out.put("signing-key-file", KEYS.privateKey().toString());
    }
    return out;
  }

  /** The compose file's {@code flink run} of the main class ending in {@code simpleName}. */
  private static FlinkRun run(String simpleName) {
    return compose.flinkRuns().stream()
        .filter(r -> r.mainClass().endsWith("." + simpleName))
        .findFirst()
        .orElseThrow();
  }

  /** What {@code ./sieve classifier create} publishes: the signed zero-shot version 0. */
  private static void publishZeroShotVersion(SigningKey signingKey) throws Exception {
    ModelVersion version;
    try (EmbedderHandle embedder =
        SharedEmbedders.acquire(EmbeddingModel.MINILM_L6_V2_Q, EmbedderOptions.defaults())) {
      version = ModelVersions.zeroShot(CLASSIFIER, 0, LABELS, DESCRIPTIONS, embedder, signingKey);
    }
    String topic = Topics.MODELS.name(prefix());
    stack.send(topic, CLASSIFIER, stack.codec(ModelVersion.class).encode(topic, version));
  }

  /** JSON content events on {@code sieve.content.raw}, as a user's app writes them. */
  private static Map<String, String> produceContent(String tag) throws Exception {
    return produceContent(tag, TEXTS.size());
  }

  /** {@code count} events {@code <tag>-<i>}, cycling through {@link #TEXTS}. */
  private static Map<String, String> produceContent(String tag, int count) throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    String topic = Topics.CONTENT_RAW.name(prefix());
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = tag + "-" + i;
      String text = TEXTS.get(i % TEXTS.size());
      texts.put(id, text);
      String json = "{\"id\":\"" + id + "\",\"text\":\"" + text.replace("\"", "\\\"") + "\"}";
      values.add(bytes(json));
    }
    stack.send(topic, List.copyOf(texts.keySet()), values);
    return texts;
  }

  /**
   * Reads {@code sieve.predictions} (read_committed) from the start until each of {@code ids} has
   * its one prediction; predictions of other events are skipped. Its own loop rather than {@link
   * ItStack#readCommitted}: the jobs are watched through the cluster's REST API, not a JobClient,
   * and the wait is this test's {@link #DEADLINE}.
   */
  private static Map<String, Prediction> awaitPredictions(java.util.Set<String> ids) {
    String topic = Topics.PREDICTIONS.name(prefix());
    ConfluentAvroCodec<Prediction> codec = stack.codec(Prediction.class);
    Map<String, Prediction> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = stack.stack().readCommittedConsumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await("a prediction for each of the " + ids.size() + " events")
          .atMost(DEADLINE)
          .pollInterval(Duration.ZERO)
          .failFast("a job stopped running", () -> !allStillRunning())
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                  Prediction p = codec.decode(r.value());
                  if (ids.contains(p.getContentId())) {
                    assertThat(out.put(p.getContentId(), p))
                        .as("second prediction for " + p.getContentId())
                        .isNull();
                  }
                }
                return out.keySet().containsAll(ids);
              });
    }
    return out;
  }

  /**
   * Waits until the JobManager has seen each job fail (an entry in its exception history): until it
   * notices the lost TaskManager, the jobs still look RUNNING.
   */
  private static void awaitFailureSeen(java.util.Collection<String> jobIds) {
    await("every job's failure seen by the JobManager")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                jobIds.stream()
                    .allMatch(
                        id ->
                            !cluster
                                .rest("/jobs/" + id + "/exceptions")
                                .path("exceptionHistory")
                                .path("entries")
                                .isEmpty()));
  }

  /**
   * Waits until every job has completed a checkpoint after this call: anything written before it is
   * then committed, duplicates included, and visible to read_committed.
   */
  private static void awaitCheckpoint(java.util.Collection<String> jobIds) {
    Map<String, Long> before = new HashMap<>();
    jobIds.forEach(id -> before.put(id, completedCheckpoints(id)));
    await("a completed checkpoint of every job")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> jobIds.stream().allMatch(id -> completedCheckpoints(id) > before.get(id)));
  }

  private static long completedCheckpoints(String jobId) {
    return cluster
        .rest("/jobs/" + jobId + "/checkpoints")
        .path("counts")
        .path("completed")
        .asLong();
  }

  private static boolean allStillRunning() {
    for (JsonNode job : cluster.rest("/jobs/overview").path("jobs")) {
      String state = job.path("state").asText();
      if (!"RUNNING".equals(state) && !"CANCELED".equals(state)) {
        return false;
      }
    }
    return true;
  }

  private static String prefix() {
    return compose.flinkRuns().get(0).jobArgument("topic-prefix").orElseThrow();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
