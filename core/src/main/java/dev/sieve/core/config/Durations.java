package dev.sieve.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Sieve's flags write them ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h},
 * {@code 1d}; a bare number is milliseconds): the syntax of Flink's {@code TimeUtils}, which the
 * jobs' flags have always used. Written here because the operator CLI must not carry Flink on its
 * classpath for one parser; the unit names are the subset of Flink's that our docs use.
 */
public final class Durations {

  private static final Pattern DURATION =
      Pattern.compile(
          "(\\d+)\\s*(ms|milli|millis|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?");

  private Durations() {}

  /**
   * Parses {@code value}; throws {@link IllegalArgumentException} with the reason if it is not one.
   */
  public static Duration parse(String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration such as 500ms, 30s, 10m or 2h: " + value);
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration out of range: " + value, e);
    }
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit.charAt(0)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default ->
          unit.startsWith("mi") && !unit.startsWith("mil") || unit.equals("m")
              ? Duration.ofMinutes(amount)
              : Duration.ofMillis(amount);
    };
  }

  /**
   * The largest unit that states {@code d} exactly: {@code 5 min}, {@code 90 s}, {@code 250 ms}.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 86_400_000L == 0) {
      return ms / 86_400_000L + " d";
    }
    if (ms != 0 && ms % 3_600_000L == 0) {
      return ms / 3_600_000L + " h";
    }
    if (ms != 0 && ms % 60_000L == 0) {
      return ms / 60_000L + " min";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + " s";
    }
    return ms + " ms";
  }
}
