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
import java.util.Optional;

/**
 * The directory {@code ./sieve up} keeps everything in: the broker's logs ({@code kafka/}), the
 * registry's database ({@code registry/}), the jobs' checkpoints and savepoints ({@code
 * flink/checkpoints/<job>}, {@code flink/savepoints/<job>}), the log ({@code logs/sieve.log}), the
 * settings file, the signing key, and while {@code up} runs its pid ({@code up.pid}) under an
 * exclusive lock ({@code up.lock}), so a second {@code up} on the same directory refuses to start
 * rather than corrupt the first one's data.
 */
final class DataDir implements AutoCloseable {

  static final String SETTINGS = "sieve.properties";
  static final String SIGNING_KEY = "model-signing.key";
  static final String PUBLIC_KEY = "model-signing.pub";
  static final String PID_FILE = "up.pid";
  static final String REGISTRY_PID_FILE = "registry.pid";
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
