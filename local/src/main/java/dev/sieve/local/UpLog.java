package dev.sieve.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Sends this JVM's log to the data directory: every other command logs to a temporary file that the
 * next command overwrites, which loses the one log a user of a long-running {@code up} needs.
 * Flink's web UI shows the same file (its "Logs" tabs read the {@code log.file} property).
 */
final class UpLog {

  private UpLog() {}

  /** Appends from now on to {@code file}; call before the servers start. */
  static void to(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    System.setProperty("sieve.log.file", file.toString());
    System.setProperty("sieve.log.append", "true");
    System.setProperty("log.file", file.toString());
    ((LoggerContext) LogManager.getContext(false)).reconfigure();
  }
}
