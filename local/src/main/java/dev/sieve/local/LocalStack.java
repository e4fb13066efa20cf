package dev.sieve.local;

import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SigningKeyFile;
import dev.sieve.cli.TopicsCommand;
import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * The servers of {@code ./sieve up}, on 127.0.0.1 and with their data in a {@link DataDir}: the
 * broker on its log directories, the registry on its database, and a MiniCluster with the Flink web
 * UI. Unlike the demo's stack it deletes nothing on close, so the next {@code up} finds every
 * topic, schema and job state again.
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
  private ApicurioRegistry registry;
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
      stack.registry = stack.track(registry.join());
      Files.writeString(
          dataDir.registryPid(), stack.registry.pid() + "\n", StandardCharsets.US_ASCII);
      stack.flink =
          stack.track(EmbeddedFlink.startMiniCluster(dataDir.flink(), slots, ports.flinkUi()));
      stack.flinkUrl = stack.flink.getRestAddress().get(30, TimeUnit.SECONDS).toString();
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
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

  /** Creates the Sieve topics the broker does not have yet (one partition each, as in the demo). */
  void createMissingTopics(String prefix) {
    kafka.createTopics(TopicsCommand.newTopics(prefix, 1, (short) 1));
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
    return kafka.bootstrapServers();
  }

  String registryUrl() {
    return registry.confluentApiUrl();
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
