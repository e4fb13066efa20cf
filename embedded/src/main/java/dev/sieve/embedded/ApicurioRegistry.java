package dev.sieve.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 3.0.9 in a child JVM on 127.0.0.1, serving the Confluent Schema Registry
 * REST API at {@link #confluentApiUrl()}, with in-memory storage (H2 in memory, the default of
 * 3.0.9) and the global compatibility rule set to BACKWARD.
 *
 * <p>The distribution is the {@code io.apicurio:apicurio-registry-app:3.0.9:zip:all} artifact that
 * this module's build unpacks into {@code embedded/target/apicurio}; its location is read from
 * {@code sieve-embedded.properties} and can be overridden with the system property {@value
 * #HOME_PROPERTY}. The child runs with the same {@code java} as this JVM and logs to {@code
 * registry.log} in a temporary directory ({@link #logFile()}). It is stopped by {@link #close()}
 * and, should a test forget, by a JVM shutdown hook.
 *
 * <p>3.0.9 opens a single listener, the HTTP port (no management interface unless enabled), and it
 * is bound to 127.0.0.1; the management host is pinned to 127.0.0.1 as well in case it is ever
 * switched on.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** System property that points at an unpacked Apicurio Registry distribution. */
  public static final String HOME_PROPERTY = "sieve.apicurio.home";

  private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
  private static final String DEFAULT_VERSION = "3.0.9";
  private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final Path dir;
  private final Path logFile;
  private final String baseUrl;
  private final Thread shutdownHook;
  private boolean closed;

  private ApicurioRegistry(Process process, Path dir, Path logFile, String baseUrl) {
    this.process = process;
    this.dir = dir;
    this.logFile = logFile;
    this.baseUrl = baseUrl;
    this.shutdownHook = new Thread(() -> stop(process), "apicurio-registry-stopper");
  }

  /**
   * Starts the registry on a free loopback port, waits until {@code /health/ready} answers UP (at
   * most 90 s), and sets the global compatibility to BACKWARD.
   *
   * @throws IllegalStateException if the distribution is missing (run the build), or the registry
   *     does not become ready; the message names the log file and quotes its tail
   */
  public static ApicurioRegistry start() {
    Path runnerJar = findRunnerJar();
    // The free port can be taken by another process before the registry binds it: try fresh ones.
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(runnerJar);
      } catch (PortTakenException e) {
        if (attempt >= START_ATTEMPTS) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.warn("Apicurio Registry could not bind its port (attempt {}), retrying", attempt);
      }
    }
  }

  private static ApicurioRegistry startOnce(Path runnerJar) {
    long started = System.nanoTime();
    int port = FreePorts.next();
    Path dir = TempDirs.create("sieve-apicurio-");
    Path logFile = dir.resolve("registry.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command(runnerJar, port, dir))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Apicurio Registry from " + runnerJar, e);
    }
    ApicurioRegistry registry =
        new ApicurioRegistry(process, dir, logFile, "http://" + FreePorts.LOOPBACK + ":" + port);
    Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
    try {
      registry.awaitReady();
      registry.setGlobalCompatibility("BACKWARD");
    } catch (RuntimeException e) {
      // Stop the child but keep its directory: the log is what tells the user what went wrong.
      registry.closed = true;
      stop(process);
      Runtime.getRuntime().removeShutdownHook(registry.shutdownHook);
      String tail = tail(logFile, 40);
      // Quarkus 3.15 logs "Port N seems to be in use by another process" and exits.
      if (tail.contains("seems to be in use by another process")
          || tail.contains("Address already in use")) {
        TempDirs.deleteQuietly(dir);
        throw new PortTakenException("Port " + port + " was taken before the registry bound it");
      }
      throw new IllegalStateException(
          e.getMessage() + "\nRegistry log: " + logFile + "\n--- last lines ---\n" + tail, e);
    }
    LOG.info(
        "Apicurio Registry ready at {} (pid {}) in {} ms, log: {}",
        registry.confluentApiUrl(),
        process.pid(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        logFile);
    return registry;
  }

  /**
   * Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:PORT/apis/ccompat/v7}.
   */
  public String confluentApiUrl() {
    return baseUrl + "/apis/ccompat/v7";
  }

  /** Process id of the registry's JVM, e.g. to check its listening sockets. */
  public long pid() {
    return process.pid();
  }

  /** The file the registry's stdout and stderr go to. Deleted by {@link #close()}. */
  public Path logFile() {
    return logFile;
  }

  /** Stops the registry JVM (gracefully, then forcibly after 5 s) and deletes its directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // close() called from another shutdown hook: ours runs too, and stop() is idempotent
    }
    TempDirs.deleteQuietly(dir);
    LOG.info("Apicurio Registry at {} stopped", baseUrl);
  }

  private static List<String> command(Path runnerJar, int port, Path dir) {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xmx512m");
    // C1 only: the registry serves a handful of requests, startup time matters more.
    cmd.add("-XX:TieredStopAtLevel=1");
    // An IPv4 socket, so the listener shows as 127.0.0.1 and not as ::ffff:127.0.0.1.
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.add("-Dquarkus.http.host=" + FreePorts.LOOPBACK);
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.add("-Dquarkus.management.host=" + FreePorts.LOOPBACK);
    cmd.add("-Dquarkus.management.enabled=false");
    // In-memory storage, as 3.0.9 does by default; said explicitly so a default change shows.
    cmd.add("-Dapicurio.storage.kind=sql");
    cmd.add("-Dapicurio.storage.sql.kind=h2");
    // Same content, same id: what Confluent clients expect when they re-register a schema.
    cmd.add("-Dapicurio.ccompat.use-canonical-hash=true");
    cmd.add("-Dapicurio.import.work-dir=" + dir);
    cmd.add("-Dapicurio.storage.snapshot.location=" + dir);
    cmd.add("-jar");
    cmd.add(runnerJar.toString());
    return cmd;
  }

  static Path findRunnerJar() {
    Properties build = buildProperties();
    String version = build.getProperty("apicurio.version", DEFAULT_VERSION);
    if (version.contains("${")) {
      version = DEFAULT_VERSION;
    }
    String home = System.getProperty(HOME_PROPERTY);
    String source = "system property " + HOME_PROPERTY;
    if (home == null || home.isBlank()) {
      home = build.getProperty("apicurio.home");
      source = "sieve-embedded.properties";
    }
    if (home == null || home.isBlank() || home.contains("${")) {
      throw new IllegalStateException(
          "Apicurio Registry location unknown: sieve-embedded.properties was not filtered. Run"
              + " './mvnw -pl embedded install' or set -D"
              + HOME_PROPERTY
              + "=<directory of an unpacked apicurio-registry-app-all.zip>.");
    }
    Path jar = Paths.get(home).resolve("apicurio-registry-app-" + version + "-runner.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "Apicurio Registry not found: "
              + jar
              + " does not exist (location from "
              + source
              + "). Run './mvnw -pl embedded install', which unpacks"
              + " io.apicurio:apicurio-registry-app:"
              + version
              + ":zip:all into embedded/target/apicurio,"
              + " or set -D"
              + HOME_PROPERTY
              + " to an unpacked copy.");
    }
    return jar;
  }

  private static Properties buildProperties() {
    Properties props = new Properties();
    try (InputStream in =
        ApicurioRegistry.class.getResourceAsStream("/sieve-embedded.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read sieve-embedded.properties", e);
    }
    return props;
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String lastProblem = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with code " + process.exitValue() + " while starting");
      }
      try {
        HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        lastProblem = "HTTP " + response.statusCode() + ": " + response.body();
      } catch (IOException e) {
        lastProblem = e.toString(); // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
      }
      pause(Duration.ofMillis(250));
    }
    throw new IllegalStateException(
        "Apicurio Registry at "
            + baseUrl
            + " not ready after "
            + READY_TIMEOUT
            + ": "
            + lastProblem);
  }

  private void setGlobalCompatibility(String level) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI config = URI.create(confluentApiUrl() + "/config");
    try {
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(config)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", CONFLUENT_JSON)
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (put.statusCode() != 200) {
        throw new IllegalStateException(
            "Setting global compatibility failed: HTTP " + put.statusCode() + ": " + put.body());
      }
      // Confluent answers {"compatibilityLevel":"BACKWARD"} on GET; check the rule really took.
      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(config)
                  .timeout(Duration.ofSeconds(10))
                  .header("Accept", CONFLUENT_JSON)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (get.statusCode() != 200 || !get.body().contains("\"" + level + "\"")) {
        throw new IllegalStateException(
            "Global compatibility is not "
                + level
                + ": HTTP "
                + get.statusCode()
                + ": "
                + get.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot set global compatibility at " + config, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while configuring Apicurio Registry", e);
    }
  }

  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path file, int lines) {
    try {
      // Decoded leniently: a log tail is for humans, a stray byte must not hide it.
      String[] all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n");
      return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
    }
  }

  /** The registry lost the race for its free port; worth another try on another port. */
  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }
}
