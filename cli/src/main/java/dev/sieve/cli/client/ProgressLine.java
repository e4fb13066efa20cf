package dev.sieve.cli.client;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A one-line progress display on stderr, redrawn in place at most five times a second: records
 * sent, lines skipped, records per second and, when the input's size is known, a bar and a
 * percentage ({@code produce}), or any text a command renders ({@link #show}: {@code import},
 * {@code export}). Disabled, it prints nothing, so output to a file or a pipe stays clean.
 */
public final class ProgressLine {

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

  /** A line whose text the command renders, given the seconds since the start. */
  public ProgressLine(PrintWriter err, boolean enabled) {
    this(err, enabled, -1);
  }

  /** Redraws the line if the last redraw is old enough. */
  void update(long sent, long skipped, long bytesRead) {
    show(seconds -> render(sent, skipped, bytesRead, totalBytes, seconds));
  }

  /**
   * Redraws the line with {@code text} (given the seconds since the start) if the last redraw is
   * old enough; the text is not rendered otherwise.
   */
  public void show(DoubleFunction<String> text) {
    long now = System.nanoTime();
    if (!enabled || now - lastDrawNanos < REDRAW_NANOS) {
      return;
    }
    lastDrawNanos = now;
    err.print(ERASE_LINE + text.apply((now - startNanos) / 1e9));
    err.flush();
    drawn = true;
  }

  /** Erases the line, so that a message can be printed in its place; the next update redraws. */
  public void clear() {
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
