package dev.sieve.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The directory {@code ./sieve up} keeps everything in: the broker's logs ({@code kafka/}), the
 * registry's database ({@code registry/}), the jobs' checkpoints and savepoints ({@code
 * flink/checkpoints/<job>}, {@code flink/savepoints/<job>}), the log ({@code logs/sieve.log}), the
 * settings file, the signing key, and while {@code up} runs its pid ({@code up.pid}) under an
 * exclusive lock ({@code up.lock}), so a second {@code up} on the same directory refuses to start
 * rather than corrupt the first one's data. It also remembers what it was created against ({@code
 * deployment.properties}: its own broker and registry, or a user's), so its offsets and job state
 * are never applied to another cluster.
 */
final class DataDir implements AutoCloseable {

  static final String SETTINGS = "sieve.properties";
  static final String SIGNING_KEY = "model-signing.key";
  static final String PUBLIC_KEY = "model-signing.pub";
  static final String PID_FILE = "up.pid";
  static final String REGISTRY_PID_FILE = "registry.pid";
  static final String DEPLOYMENT = "deployment.properties";
  private static final String LOCK_FILE = "up.lock";

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates {@code root} if missing, takes its lock and writes this process's pid; fails with a
   * clear message when another {@code up} holds the lock.
   */
  static DataDir lock(Path root) throws IOException {
    Path dir = root.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    FileChannel channel =
        FileChannel.open(
            dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      String holder = readPid(dir).map(pid -> " (pid " + pid + ")").orElse("");
      throw new IllegalStateException(
          "another ./sieve up runs on " + dir + holder + "; stop it with ./sieve down");
    }
    Files.writeString(
        dir.resolve(PID_FILE), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    return new DataDir(dir, channel, lock);
  }

  /**
   * What a data directory runs against: its own broker and registry ({@link #OWN}), the same for a
   * demo ({@link #DEMO}: the demo's jobs settings and signing key), or the user's Kafka and schema
   * registry at these addresses.
   */
  record Deployment(String mode, String bootstrapServers, String registryUrl) {

    static final Deployment OWN = new Deployment("own", null, null);
    static final Deployment DEMO = new Deployment("demo", null, null);

    /** The user's Kafka and registry. */
    Deployment(String bootstrapServers, String registryUrl) {
      this("external", bootstrapServers, registryUrl);
    }

    boolean external() {
      return bootstrapServers != null;
    }

    String describe() {
      return switch (mode) {
        case "external" ->
            "--bootstrap-servers " + bootstrapServers + " --registry-url " + registryUrl;
        case "demo" -> "./sieve demo (its own settings and signing key)";
        default -> "its own broker and registry (no --bootstrap-servers)";
      };
    }
  }

  /**
   * Records {@code wanted} on the first start; on later ones fails with a clear message when the
   * directory was created against something else: its consumer offsets, job state and schema ids
   * belong to that cluster. A directory from before the record existed that has a {@code kafka/}
   * directory was created with its own broker.
   */
  void checkDeployment(Deployment wanted) throws IOException {
    Path file = root.resolve(DEPLOYMENT);
    Deployment recorded;
    if (Files.isRegularFile(file)) {
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      recorded =
          new Deployment(
              p.getProperty("mode", "own"),
              p.getProperty("bootstrap.servers"),
              p.getProperty("schema.registry.url"));
    } else if (Files.isDirectory(kafka())) {
      recorded = Deployment.OWN;
    } else {
      Properties p = new Properties();
      p.setProperty("mode", wanted.mode());
      if (wanted.external()) {
        p.setProperty("bootstrap.servers", wanted.bootstrapServers());
        p.setProperty("schema.registry.url", wanted.registryUrl());
      }
      try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        p.store(out, "what this data directory was created against; written by ./sieve up once");
      }
      return;
    }
    if (!Objects.equals(recorded, wanted)) {
      throw new IllegalStateException(
          root
              + " was created with "
              + recorded.describe()
              + ", not "
              + wanted.describe()
              + ": its consumer offsets and job state belong to that deployment. "
              + (recorded.equals(Deployment.DEMO)
                  ? "Give ./sieve up another --data-dir."
                  : "Start it as it was created, or give another --data-dir."));
    }
  }

  /** The pid recorded by the {@code up} that runs (or ran and was killed) on {@code root}. */
  static Optional<Long> readPid(Path root) {
    return readPidFile(root.resolve(PID_FILE));
  }

  static Optional<Long> readPidFile(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot read the pid in " + file + ": " + e.getMessage(), e);
    }
  }

  Path root() {
    return root;
  }

  Path kafka() {
    return root.resolve("kafka");
  }

  Path registry() {
    return root.resolve("registry");
  }

  Path flink() {
    return root.resolve("flink");
  }

  Path checkpoints(String job) {
    return flink().resolve("checkpoints").resolve(job);
  }

  Path savepoints(String job) {
    return flink().resolve("savepoints").resolve(job);
  }

  Path settings() {
    return root.resolve(SETTINGS);
  }

  Path signingKey() {
    return root.resolve(SIGNING_KEY);
  }

  /** The public half of {@link #signingKey()}: what the verifiers trust. */
  Path publicKey() {
    return root.resolve(PUBLIC_KEY);
  }

  /** {@code up}'s log: the broker's, the registry client's and Flink's lines, appended per run. */
  Path log() {
    return root.resolve("logs").resolve("sieve.log");
  }

  Path registryPid() {
    return root.resolve(REGISTRY_PID_FILE);
  }

  /** Removes the pid file and releases the lock: the directory is free for the next {@code up}. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(root.resolve(PID_FILE));
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + root.resolve(LOCK_FILE), e);
    }
  }
}
