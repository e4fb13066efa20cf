package dev.sieve.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line arguments of a job, {@code --key value} or {@code --key=value}, read once into typed
 * values. Every getter records the key it read, so {@link #failOnUnknown()} can reject a misspelt
 * key instead of silently running with a default; keys under a pass-through prefix ({@code
 * --kafka.security.protocol=SSL}) are read as a group with {@link #withPrefix}.
 *
 * <p>All failures are {@link ConfigException}s whose message names the key, so {@code main} can
 * print them and exit.
 */
public final class JobArguments {

  private final Map<String, String> values;
  private final Set<String> read = new HashSet<>();
  private final Set<String> readPrefixes = new HashSet<>();

  private JobArguments(Map<String, String> values) {
    this.values = values;
  }

  /** Parses {@code --key value} and {@code --key=value} pairs; anything else is an error. */
  public static JobArguments parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException("expected --key value or --key=value, got: " + arg);
      }
      String key;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        key = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        key = arg.substring(2);
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new ConfigException("--" + key + " needs a value");
        }
        value = args[++i];
      }
      if (values.put(key, value) != null) {
        throw new ConfigException("--" + key + " is given twice");
      }
    }
    return new JobArguments(values);
  }

  /** Arguments from a map (keys without the leading dashes), e.g. in tests. */
  public static JobArguments of(Map<String, String> values) {
    return new JobArguments(new LinkedHashMap<>(values));
  }

  /** The value of a key that has no default; fails with a message naming it when absent. */
  public String required(String key) {
    String value = optional(key);
    if (value == null) {
      throw new ConfigException("missing required argument --" + key);
    }
    return value;
  }

  /** The value, or null when absent or blank. */
  public String optional(String key) {
    read.add(key);
    String value = values.get(key);
    return value == null || value.isBlank() ? null : value.trim();
  }

  public String string(String key, String defaultValue) {
    String value = optional(key);
    return value == null ? defaultValue : value;
  }

  /** A whole number of at least {@code min}. */
  public int intValue(String key, int defaultValue, int min) {
    String value = optional(key);
    if (value == null) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + key + " must be a whole number, got: " + value);
    }
    if (parsed < min) {
      throw new ConfigException("--" + key + " must be at least " + min + ", got: " + parsed);
    }
    return parsed;
  }

  /** A positive duration such as {@code 24h}, {@code 5 s}, {@code 500ms} (Flink's syntax). */
  public Duration duration(String key, Duration defaultValue) {
    String value = optional(key);
    if (value == null) {
      return defaultValue;
    }
    Duration parsed;
    try {
      parsed = Durations.parse(value);
    } catch (RuntimeException e) {
      throw new ConfigException(
          "--" + key + " must be a duration such as 24h, 5s or 500ms, got: " + value);
    }
    if (parsed.isZero() || parsed.isNegative()) {
      throw new ConfigException("--" + key + " must be positive, got: " + value);
    }
    return parsed;
  }

  /** One of {@code allowed} (case-insensitive), returned in lower case. */
  public String oneOf(String key, String defaultValue, List<String> allowed) {
    String value = string(key, defaultValue).toLowerCase(java.util.Locale.ROOT);
    if (!allowed.contains(value)) {
      throw new ConfigException("--" + key + " must be one of " + allowed + ", got: " + value);
    }
    return value;
  }

  /**
   * Every key that starts with {@code prefix}, with the prefix removed: {@code --kafka.a.b=c} under
   * {@code kafka.} gives {@code a.b=c}. Immutable, in argument order.
   */
  public Map<String, String> withPrefix(String prefix) {
    readPrefixes.add(prefix);
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /** Fails on any key no getter has read: a misspelt key must not silently become a default. */
  public void failOnUnknown() {
    Set<String> unknown = new TreeSet<>();
    for (String key : values.keySet()) {
      if (!read.contains(key) && readPrefixes.stream().noneMatch(key::startsWith)) {
        unknown.add("--" + key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown argument(s): " + String.join(", ", unknown));
    }
  }
}
