package dev.sieve.local;

import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SigningKeyFile;
import dev.sieve.cli.TopicsCommand;
import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.embedded.EmbeddedKafka;
import dev.sieve.schemas.Topics;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The servers of {@code ./sieve up}, on 127.0.0.1 and with their data in a {@link DataDir}: the
 * broker on its log directories, the registry on its database, and a MiniCluster with the Flink web
 * UI; or, against a user's Kafka and registry ({@link #external}), the MiniCluster alone. Unlike
 * the demo's stack it deletes nothing on close, so the next {@code up} finds every topic, schema
 * and job state again.
 */
final class LocalStack implements AutoCloseable {

  /** The ports of a stack: broker, registry, web UI and the broker's controller. */
  record Ports(int broker, int registry, int flinkUi, int controller) {

    /** The four ports from {@code base} on, in that order. */
    static Ports from(int base) {
      return new Ports(base, base + 1, base + 2, base + 3);
    }
  }

  static final String FLINK_REST_URL = "sieve.flink.rest.url";

  private final DataDir dataDir;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedKafka kafka;
  private String bootstrapServers;
  private String registryUrl;
  private MiniCluster flink;
  private String flinkUrl;

  private LocalStack(DataDir dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * Starts broker and registry in parallel, then a MiniCluster of {@code slots} slots, and writes
   * the settings file. A registry left running by an {@code up} that was killed holds the database
   * and the port, so it is stopped first.
   */
  static LocalStack start(DataDir dataDir, Ports ports, int slots, Consumer<String> log)
      throws Exception {
    stopOrphanedRegistry(dataDir, log);
    LocalStack stack = new LocalStack(dataDir);
    try {
      CompletableFuture<ApicurioRegistry> registry =
          CompletableFuture.supplyAsync(
              () -> ApicurioRegistry.start(dataDir.registry(), ports.registry()));
      stack.kafka =
          stack.track(EmbeddedKafka.start(dataDir.kafka(), ports.broker(), ports.controller()));
      stack.bootstrapServers = stack.kafka.bootstrapServers();
      ApicurioRegistry started = stack.track(registry.join());
      stack.registryUrl = started.confluentApiUrl();
      Files.writeString(dataDir.registryPid(), started.pid() + "\n", StandardCharsets.US_ASCII);
      stack.startFlink(slots, ports.flinkUi());
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Starts only a MiniCluster of {@code slots} slots with its web UI on {@code flinkUiPort}, for
   * jobs that use the user's Kafka at {@code bootstrapServers} and registry at {@code registryUrl}
   * (its Confluent-compatible API). Fails with a clear message, before Flink starts, when either
   * does not answer within {@code timeout}.
   */
  static LocalStack external(
      DataDir dataDir,
      String bootstrapServers,
      String registryUrl,
      int flinkUiPort,
      int slots,
      Duration timeout)
      throws Exception {
    awaitKafka(bootstrapServers, timeout);
    awaitRegistry(registryUrl, timeout);
    LocalStack stack = new LocalStack(dataDir);
    stack.bootstrapServers = bootstrapServers;
    stack.registryUrl = registryUrl;
    try {
      stack.startFlink(slots, flinkUiPort);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startFlink(int slots, int flinkUiPort) throws Exception {
    flink = track(EmbeddedFlink.startMiniCluster(dataDir.flink(), slots, flinkUiPort));
    flinkUrl = flink.getRestAddress().get(30, TimeUnit.SECONDS).toString();
  }

  private static void awaitKafka(String bootstrapServers, Duration timeout) {
    try (Admin admin = Admin.create(adminProperties(bootstrapServers, timeout))) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "no Kafka answers at --bootstrap-servers " + bootstrapServers + " within " + timeout, e);
    }
  }

  private static void awaitRegistry(String registryUrl, Duration timeout)
      throws InterruptedException {
    URI subjects = URI.create(registryUrl.replaceAll("/+$", "") + "/subjects");
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(subjects).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "the schema registry at --registry-url "
                + registryUrl
                + " answers GET /subjects with HTTP "
                + response.statusCode()
                + " (give its Confluent-compatible API, e.g. http://host:8080/apis/ccompat/v7)");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "no schema registry answers at --registry-url " + registryUrl + ": " + e, e);
    }
  }

  private static Properties adminProperties(String bootstrapServers, Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    return p;
  }

  /** Stops the registry child JVM an earlier, killed {@code up} on this directory left behind. */
  private static void stopOrphanedRegistry(DataDir dataDir, Consumer<String> log)
      throws InterruptedException {
    var orphan =
        DataDir.readPidFile(dataDir.registryPid())
            .flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .map(c -> c.contains(dataDir.registry().toString()))
                        .orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle process = orphan.get();
    log.accept("  stopping the registry (pid " + process.pid() + ") of an up that was killed");
    process.destroy();
    try {
      process.onExit().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      process.onExit().join();
    }
  }

  /**
   * Creates the Sieve topics the broker does not have yet: on its own broker with {@code
   * partitions} partitions each; on a user's Kafka with its default partitions and replication
   * factor, each one it creates named in the log.
   */
  void createMissingTopics(String prefix, int partitions, Consumer<String> log) throws Exception {
    if (kafka != null) {
      kafka.createTopics(TopicsCommand.newTopics(prefix, partitions, (short) 1));
      return;
    }
    try (Admin admin = Admin.create(adminProperties(bootstrapServers, Duration.ofSeconds(30)))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          Topics.ALL.stream()
              .filter(t -> !existing.contains(t.name(prefix)))
              .map(
                  t ->
                      new NewTopic(t.name(prefix), Optional.empty(), Optional.empty())
                          .configs(t.configs()))
              .toList();
      for (var created : admin.createTopics(missing).values().entrySet()) {
        try {
          created.getValue().get(30, TimeUnit.SECONDS);
          log.accept("  created topic " + created.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create "
                    + created.getKey()
                    + " on "
                    + bootstrapServers
                    + ": "
                    + e.getCause(),
                e);
          }
        }
      }
    }
  }

  /** Whether the broker and the registry are this stack's own (not a user's). */
  boolean ownServers() {
    return kafka != null;
  }

  /**
   * Writes {@code sieve.properties}: where the broker, the registry and the Flink REST API are, the
   * topic prefix and the signing key pair's files, what the other commands read by default. Written
   * to a temporary file and moved, so a command never reads half of it.
   */
  void writeSettings(String prefix) throws IOException {
    Properties p = new Properties();
    p.setProperty(ConnectionOptions.BOOTSTRAP_SERVERS, bootstrapServers());
    p.setProperty(ConnectionOptions.REGISTRY_URL, registryUrl());
    p.setProperty(ConnectionOptions.TOPIC_PREFIX, prefix);
    p.setProperty(FLINK_REST_URL, flinkUrl);
    p.setProperty(SigningKeyFile.PROPERTY, dataDir.signingKey().toString());
    p.setProperty(SigningKeyFile.TRUSTED_PROPERTY, dataDir.publicKey().toString());
    Path tmp = dataDir.root().resolve(DataDir.SETTINGS + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "written by ./sieve up; read by the other ./sieve commands");
    }
    Files.move(
        tmp,
        dataDir.settings(),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String registryUrl() {
    return registryUrl;
  }

  String flinkUrl() {
    return flinkUrl;
  }

  MiniCluster flink() {
    return flink;
  }

  private <T extends AutoCloseable> T track(T resource) {
    started.push(resource);
    return resource;
  }

  /** Stops the cluster, the registry and the broker, in that order; keeps every file. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("sieve: while stopping: " + e);
      }
    }
    try {
      Files.deleteIfExists(dataDir.registryPid());
    } catch (IOException e) {
      System.err.println("sieve: while stopping: " + e);
    }
  }
}
