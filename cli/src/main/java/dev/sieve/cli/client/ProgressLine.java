package dev.sieve.cli.client;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display on stderr, redrawn in place at most five times a second: records
 * sent, lines skipped, records per second and, when the input's size is known, a bar and a
 * percentage. Disabled, it prints nothing, so output to a file or a pipe stays clean.
 */
final class ProgressLine {

  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR_WIDTH = 24;

  /** ANSI "erase to the end of the line": a shorter redraw leaves no tail of the longer one. */
  private static final String ERASE_LINE = "\r\033[K";

  private final PrintWriter err;
  private final boolean enabled;
  private final long totalBytes;
  private final long startNanos;
  private long lastDrawNanos;
  private boolean drawn;

  /**
   * @param totalBytes size of the input, or a negative number when unknown (standard input)
   */
  ProgressLine(PrintWriter err, boolean enabled, long totalBytes) {
    this.err = err;
    this.enabled = enabled;
    this.totalBytes = totalBytes;
    this.startNanos = System.nanoTime();
    this.lastDrawNanos = startNanos;
  }

  /** Redraws the line if the last redraw is old enough. */
  void update(long sent, long skipped, long bytesRead) {
    long now = System.nanoTime();
    if (!enabled || now - lastDrawNanos < REDRAW_NANOS) {
      return;
    }
    lastDrawNanos = now;
    err.print(ERASE_LINE + render(sent, skipped, bytesRead, totalBytes, (now - startNanos) / 1e9));
    err.flush();
    drawn = true;
  }

  /** Erases the line, so that a message can be printed in its place; the next update redraws. */
  void clear() {
    if (drawn) {
      err.print(ERASE_LINE);
      err.flush();
      drawn = false;
    }
  }

  /** The text of the line. */
  static String render(long sent, long skipped, long bytesRead, long totalBytes, double seconds) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "sent %,d  skipped %,d  %,.0f records/s",
                sent,
                skipped,
                seconds > 0 ? sent / seconds : 0.0));
    if (totalBytes > 0) {
      double done = Math.min(1.0, (double) bytesRead / totalBytes);
      int filled = (int) Math.round(done * BAR_WIDTH);
      line.append("  [")
          .append("#".repeat(filled))
          .append("-".repeat(BAR_WIDTH - filled))
          .append(String.format(Locale.ROOT, "] %3.0f %%", done * 100));
    }
    return line.toString();
  }
}
