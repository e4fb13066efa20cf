package dev.sieve.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Creates and removes the temporary directories the embedded servers keep their data in. */
public final class TempDirs {

  private TempDirs() {}

  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory " + prefix + "*", e);
    }
  }

  /** Deletes a directory tree; best effort, since it runs on close and in shutdown hooks. */
  public static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // a file still held open by a dying server; the OS cleans temp dirs eventually
                }
              });
    } catch (IOException | UncheckedIOException ignored) {
      // same as above: never fail a close over leftovers in a temp dir
    }
  }
}
