package dev.sieve.cli.report;

import java.time.Duration;

/**
 * Time-bucket widths that read well on an axis (1 s, 5 s, ..., 1 d, 7 d). Each width is a multiple
 * of the one before it and buckets start at multiples of their width since the epoch, so counts
 * kept in narrow buckets can be merged into wider ones exactly, without keeping the raw times.
 */
final class TimeBuckets {

  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long WEEK = 7 * DAY;

  static final long[] WIDTHS_MS = {
    SECOND,
    5 * SECOND,
    10 * SECOND,
    30 * SECOND,
    MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    30 * MINUTE,
    HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    WEEK
  };

  private TimeBuckets() {}

  /** The start of the bucket of {@code width} that holds {@code timeMs}. */
  static long floor(long timeMs, long width) {
    return Math.floorDiv(timeMs, width) * width;
  }

  /**
   * The narrowest width, at least {@code minWidth}, that covers {@code fromMs..toMs} in at most
   * {@code maxBuckets} buckets. Past a week, whole numbers of weeks (still multiples of every
   * smaller width).
   */
  static long widthFor(long fromMs, long toMs, int maxBuckets, long minWidth) {
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("maxBuckets must be >= 1, got " + maxBuckets);
    }
    for (long width : WIDTHS_MS) {
      if (width >= minWidth && buckets(fromMs, toMs, width) <= maxBuckets) {
        return width;
      }
    }
    long width = Math.max(WEEK, minWidth);
    while (buckets(fromMs, toMs, width) > maxBuckets) {
      width += WEEK;
    }
    return width;
  }

  /** How many buckets of {@code width} the range {@code fromMs..toMs} (inclusive) touches. */
  static long buckets(long fromMs, long toMs, long width) {
    if (toMs < fromMs) {
      return 0;
    }
    return (floor(toMs, width) - floor(fromMs, width)) / width + 1;
  }

  /** A width as people say it: {@code 30 s}, {@code 5 min}, {@code 3 h}, {@code 1 d}. */
  static String describe(long width) {
    Duration d = Duration.ofMillis(width);
    if (width % DAY == 0) {
      return d.toDays() + " d";
    }
    if (width % HOUR == 0) {
      return d.toHours() + " h";
    }
    if (width % MINUTE == 0) {
      return d.toMinutes() + " min";
    }
    if (width % SECOND == 0) {
      return d.toSeconds() + " s";
    }
    return width + " ms";
  }
}
