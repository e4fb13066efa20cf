package dev.sieve.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal, so that a progress line (which redraws itself with carriage
 * returns) goes only where a person watches, never into a log file or a pipe.
 *
 * <p>Hand-written because Java has no {@code isatty(2)}: {@code System.console()} looks at stdin
 * and stdout only, and JLine's terminal detection would be a terminal library for one boolean. On
 * Linux, {@code /proc/self/fd/2} links to the device; elsewhere the answer is "no", which only
 * costs the progress line.
 */
public final class Terminals {

  private Terminals() {}

  public static boolean stderrIsTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
