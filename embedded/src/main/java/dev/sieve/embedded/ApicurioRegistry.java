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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 3.0.9 in a child JVM on 127.0.0.1, serving the Confluent Schema Registry
 * REST API at {@link #confluentApiUrl()}, with its schemas in an H2 database <em>file</em> in its
 * directory, so that they survive a restart: records already in Kafka name schema ids, and a
 * registry that forgot them would make every such record undecodable. The global compatibility rule
 * is set to BACKWARD when the database is created (a later start keeps whatever is stored).
 *
 * <p>{@link #start()} gives a registry in a temporary directory, deleted by {@link #close()} (what
 * tests want); {@link #start(Path, int)} one whose data directory outlives this JVM (what a local
 * installation wants). Either can be {@link #stop() stopped} and {@link #restart() restarted} on
 * the same port and data, so clients configured with its URL reconnect to the same schemas.
 *
 * <p>The distribution is the {@code io.apicurio:apicurio-registry-app:3.0.9:zip:all} artifact that
 * this module's build unpacks into {@code embedded/target/apicurio}; its location is read from
 * {@code sieve-embedded.properties} and can be overridden with the system property {@value
 * #HOME_PROPERTY}. The child runs with the same {@code java} as this JVM and appends its output to
 * {@code registry.log} in its directory ({@link #logFile()}). It is stopped by {@link #close()}
 * and, should a caller forget, by a JVM shutdown hook.
 *
 * <p>{@link #startSecured(Map)} gives one that serves only clients that authenticate with HTTP
 * basic auth as one of the given users: Quarkus' own basic authentication mechanism with its
 * embedded users realm (both in the distribution; Apicurio 3.0.9 hands requests to it when {@code
 * quarkus.http.auth.basic=true}, no OIDC server involved), and a Quarkus permission policy that
 * requires an authenticated user on every path but {@code /health} (which the start-up wait uses).
 * A request without credentials, or with a wrong user or password, gets 401. The users reach the
 * child in {@value #AUTH_CONFIG}, an owner-only file in its working directory that Quarkus reads as
 * configuration, with SHA-256 digests of {@code user:Quarkus:password} (the embedded realm's hashed
 * form) rather than the passwords: nothing secret is on its command line or in its environment.
 *
 * <p>3.0.9 opens a single listener, the HTTP port (no management interface unless enabled), and it
 * is bound to 127.0.0.1; the management host is pinned to 127.0.0.1 as well in case it is ever
 * switched on.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** System property that points at an unpacked Apicurio Registry distribution. */
  public static final String HOME_PROPERTY = "sieve.apicurio.home";

  /** The H2 database file name in the data directory, without H2's {@code .mv.db} suffix. */
  static final String DATABASE = "registry";

  /**
   * Where a secured registry's users are, relative to its directory (also its working directory):
   * Quarkus reads {@code config/application.properties} in the working directory as configuration.
   */
  static final String AUTH_CONFIG = "config/application.properties";

  // Fixed when the distribution was built (quarkus.security.users.embedded.realm-name): part of
  // every password digest.
  private static final String QUARKUS_REALM = "Quarkus";

  private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
  private static final String DEFAULT_VERSION = "3.0.9";
  private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  // Quarkus closes the database on SIGTERM; give it time before the forced kill.
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int START_ATTEMPTS = 3;
  private static final Duration SAME_PORT_RETRY_PAUSE = Duration.ofSeconds(2);

  private final Path runnerJar;
  private final Map<String, String> users;
  private final Path dir;
  private final boolean temporary;
  private final Path logFile;
  private final int port;
  private final String baseUrl;
  private final Thread shutdownHook;
  private volatile Process process;
  private boolean hookRegistered;
  private boolean closed;

  private ApicurioRegistry(
      Path runnerJar, Map<String, String> users, Path dir, boolean temporary, int port) {
    this.runnerJar = runnerJar;
    this.users = users;
    this.dir = dir;
    this.temporary = temporary;
    this.logFile = dir.resolve("registry.log");
    this.port = port;
    this.baseUrl = "http://" + FreePorts.LOOPBACK + ":" + port;
    this.shutdownHook = new Thread(this::stopProcess, "apicurio-registry-stopper");
  }

  /**
   * Starts a registry in a new temporary directory (deleted by {@link #close()}) on a free loopback
   * port, waits until {@code /health/ready} answers UP (at most 90 s), and sets the global
   * compatibility to BACKWARD.
   *
   * @throws IllegalStateException if the distribution is missing (run the build), or the registry
   *     does not become ready; the message names the log file and quotes its tail
   */
  public static ApicurioRegistry start() {
    return startTemporary(Map.of());
  }

  /**
   * Like {@link #start()}, but the registry serves only clients that authenticate with HTTP basic
   * auth as one of {@code users} (user name to password): any other request gets 401, except the
   * health probes under {@code /health}. Clients send {@code basic.auth.user.info=user:password};
   * the global compatibility is set as the first user. The passwords are not passed on the child's
   * command line nor in its environment (see the class comment).
   *
   * @param users at least one; names of letters, digits, {@code .}, {@code _} and {@code -};
   *     passwords not empty
   * @throws IllegalArgumentException if a user name or password is not usable
   */
  public static ApicurioRegistry startSecured(Map<String, String> users) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException("a secured registry needs at least one user");
    }
    users.forEach(
        (user, password) -> {
          if (user == null || !user.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                "registry user name '" + user + "': use letters, digits, '.', '_' and '-' only");
          }
          if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("registry user " + user + ": empty password");
          }
        });
    return startTemporary(new LinkedHashMap<>(users));
  }

  private static ApicurioRegistry startTemporary(Map<String, String> users) {
    Path runnerJar = findRunnerJar();
    // The free port can be taken by another process before the registry binds it: try fresh ones.
    for (int attempt = 1; ; attempt++) {
      Path dir = TempDirs.create("sieve-apicurio-");
      ApicurioRegistry registry =
          new ApicurioRegistry(runnerJar, users, dir, true, FreePorts.next());
      try {
        return registry.launchFirst();
      } catch (PortTakenException e) {
        TempDirs.deleteQuietly(dir);
        if (attempt >= START_ATTEMPTS) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.warn("Apicurio Registry could not bind its port (attempt {}), retrying", attempt);
      }
    }
  }

  /**
   * Starts a registry whose database and log are kept in {@code dataDir} (created if missing, never
   * deleted): a new directory gets a new database with global compatibility BACKWARD, an existing
   * one is opened with every schema, id and rule it holds.
   *
   * @param port the loopback port to serve on, or 0 for a free one; a given port that is taken is
   *     tried again for a few seconds, then the start fails naming it
   * @throws IllegalStateException if the registry does not become ready (the message names the log
   *     file and quotes its tail), or the port stays taken
   */
  public static ApicurioRegistry start(Path dataDir, int port) {
    Path runnerJar = findRunnerJar();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the registry directory " + dataDir, e);
    }
    for (int attempt = 1; ; attempt++) {
      ApicurioRegistry registry =
          new ApicurioRegistry(
              runnerJar,
              Map.of(),
              dataDir.toAbsolutePath(),
              false,
              port == 0 ? FreePorts.next() : port);
      try {
        return registry.launchFirst();
      } catch (PortTakenException e) {
        if (attempt >= START_ATTEMPTS) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.warn("Apicurio Registry could not bind its port (attempt {}), retrying", attempt);
        if (port != 0) {
          pause(SAME_PORT_RETRY_PAUSE);
        }
      }
    }
  }

  /**
   * Stops the registry JVM (gracefully, then forcibly after 15 s) and keeps its directory, so that
   * {@link #restart()} serves the same schemas on the same URL. Clients see connection refused
   * meanwhile. Does nothing if it is not running.
   */
  public synchronized void stop() {
    stopProcess();
    LOG.info("Apicurio Registry at {} stopped (data kept in {})", baseUrl, dir);
  }

  /**
   * Starts the registry again on the same port and data, stopping it first if it runs (also after
   * its JVM died), and waits until it is ready. A port taken meanwhile is tried again for a few
   * seconds.
   *
   * @throws IllegalStateException if it was closed, or does not become ready, or the port stays
   *     taken
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("Apicurio Registry at " + baseUrl + " was closed");
    }
    stopProcess();
    for (int attempt = 1; ; attempt++) {
      try {
        launch();
        return;
      } catch (PortTakenException e) {
        if (attempt >= START_ATTEMPTS) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.warn("Apicurio Registry could not bind port {} again, retrying", port);
        pause(SAME_PORT_RETRY_PAUSE);
      }
    }
  }

  /** The first {@link #launch()}; a registry that never became ready leaves no shutdown hook. */
  private ApicurioRegistry launchFirst() {
    try {
      launch();
      return this;
    } catch (RuntimeException e) {
      removeShutdownHook();
      throw e;
    }
  }

  /**
   * One start of the child JVM on this registry's port and directory, waiting until it is ready.
   * Sets the global compatibility only when the database is new, so a restart keeps what is stored.
   */
  private void launch() {
    long started = System.nanoTime();
    boolean newDatabase = !Files.exists(databaseFile());
    long logStart = sizeOf(logFile);
    writeAuthConfig();
    Process child;
    try {
      child =
          new ProcessBuilder(command(runnerJar, port, dir))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Apicurio Registry from " + runnerJar, e);
    }
    process = child;
    if (!hookRegistered) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      hookRegistered = true;
    }
    try {
      awaitReady(child);
      if (newDatabase) {
        setGlobalCompatibility("BACKWARD");
      }
    } catch (RuntimeException e) {
      // Stop the child but keep its directory: the log is what tells the user what went wrong.
      stopProcess();
      String tail = tail(logFile, logStart, 40);
      // Quarkus 3.15 logs "Port N seems to be in use by another process" and exits.
      if (tail.contains("seems to be in use by another process")
          || tail.contains("Address already in use")) {
        throw new PortTakenException("Port " + port + " was taken before the registry bound it");
      }
      throw new IllegalStateException(
          e.getMessage() + "\nRegistry log: " + logFile + "\n--- last lines ---\n" + tail, e);
    }
    LOG.info(
        "Apicurio Registry ready at {} (pid {}, {} database in {}) in {} ms, log: {}",
        confluentApiUrl(),
        child.pid(),
        newDatabase ? "new" : "existing",
        dir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        logFile);
  }

  /** Whether this registry requires HTTP basic auth ({@link #startSecured(Map)}). */
  public boolean isSecured() {
    return !users.isEmpty();
  }

  /**
   * Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:PORT/apis/ccompat/v7};
   * the same across {@link #restart()}s.
   */
  public String confluentApiUrl() {
    return baseUrl + "/apis/ccompat/v7";
  }

  /** The loopback port the registry serves on, the same across {@link #restart()}s. */
  public int port() {
    return port;
  }

  /** The directory of the database and log: temporary for {@link #start()}, else the given one. */
  public Path dataDir() {
    return dir;
  }

  /** Process id of the registry's current JVM, e.g. to check its listening sockets. */
  public long pid() {
    return process.pid();
  }

  /** Whether the registry's JVM runs (it may still be starting). */
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** The file the registry's stdout and stderr are appended to. */
  public Path logFile() {
    return logFile;
  }

  /**
   * Stops the registry JVM (gracefully, then forcibly after 15 s); deletes its directory if it is a
   * temporary one ({@link #start()}), keeps it otherwise.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopProcess();
    removeShutdownHook();
    if (temporary) {
      TempDirs.deleteQuietly(dir);
    }
    LOG.info("Apicurio Registry at {} closed", baseUrl);
  }

  private void removeShutdownHook() {
    if (!hookRegistered) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      hookRegistered = false;
    } catch (IllegalStateException alreadyShuttingDown) {
      // called from another shutdown hook: ours runs too, and stopping is idempotent
    }
  }

  private Path databaseFile() {
    return dir.resolve(DATABASE + ".mv.db");
  }

  /**
   * Writes the users of a secured registry where the child reads them, owner-only from creation
   * (again at each start: the directory is a temporary one of this registry's).
   */
  private void writeAuthConfig() {
    if (users.isEmpty()) {
      return;
    }
    Path file = dir.resolve(AUTH_CONFIG);
    try {
      Files.deleteIfExists(file);
      Path configDir = file.getParent();
      if (!Files.isDirectory(configDir)) {
        Files.createDirectory(
            configDir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Properties auth = new Properties();
      // Apicurio hands requests to Quarkus' basic mechanism when this is true (read at run time).
      auth.setProperty("quarkus.http.auth.basic", "true");
      auth.setProperty("quarkus.security.users.embedded.enabled", "true");
      auth.setProperty("quarkus.security.users.embedded.plain-text", "false");
      auth.setProperty("quarkus.security.users.embedded.algorithm", "digest-sha-256");
      users.forEach(
          (user, password) ->
              auth.setProperty(
                  "quarkus.security.users.embedded.users." + user, digest(user, password)));
      // Every path needs a user, the UI and the native v3 API included; the health probes don't.
      auth.setProperty("quarkus.http.auth.permission.health.paths", "/health,/health/*");
      auth.setProperty("quarkus.http.auth.permission.health.policy", "permit");
      auth.setProperty("quarkus.http.auth.permission.everything.paths", "/*");
      auth.setProperty("quarkus.http.auth.permission.everything.policy", "authenticated");
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (var out = Files.newOutputStream(file)) {
        auth.store(out, "Written by Sieve's ApicurioRegistry at each start: the registry's users");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the registry's users to " + file, e);
    }
  }

  /** The embedded realm's hashed form: hex(SHA-256(user ":" realm ":" password)). */
  static String digest(String user, String password) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(
              sha256.digest(
                  (user + ":" + QUARKUS_REALM + ":" + password).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The Authorization header a secured registry's first user sends, or null. */
  private String authorization() {
    if (users.isEmpty()) {
      return null;
    }
    Map.Entry<String, String> first = users.entrySet().iterator().next();
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (first.getKey() + ":" + first.getValue()).getBytes(StandardCharsets.UTF_8));
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
    // SQL storage on an H2 file in the registry's directory (3.0.9 defaults to H2 in memory).
    // WRITE_DELAY=0: each commit is on disk before the answer, so a killed registry loses no
    // schema it acknowledged and, above all, never hands out an acknowledged id a second time
    // (with H2's default 500 ms delay it did both).
    cmd.add("-Dapicurio.storage.kind=sql");
    cmd.add("-Dapicurio.storage.sql.kind=h2");
    cmd.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dir.resolve(DATABASE) + ";WRITE_DELAY=0");
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

  private void awaitReady(Process child) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String lastProblem = "no answer";
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with code " + child.exitValue() + " while starting");
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
              authorized(HttpRequest.newBuilder(config))
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
              authorized(HttpRequest.newBuilder(config))
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

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    String authorization = authorization();
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private void stopProcess() {
    Process current = process;
    if (current == null || !current.isAlive()) {
      return;
    }
    current.destroy();
    try {
      if (!current.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "Apicurio Registry (pid {}) ignored SIGTERM for {}, killing it",
            current.pid(),
            STOP_GRACE);
        current.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      current.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code lines} lines written to {@code file} from byte {@code from} on. */
  private static String tail(Path file, long from, int lines) {
    try {
      byte[] all = Files.readAllBytes(file);
      int start = (int) Math.min(from, all.length);
      // Decoded leniently: a log tail is for humans, a stray byte must not hide it.
      String[] split =
          new String(all, start, all.length - start, StandardCharsets.UTF_8).split("\n");
      return String.join(
          "\n", List.of(split).subList(Math.max(0, split.length - lines), split.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
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
