package dev.sieve.cli.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * What reading one topic gave: records read, and the ones that could not be used (with why), so
 * that the page says how complete it is instead of hiding skipped records.
 */
final class SourceStats {

  private final String topic;
  private boolean present = true;
  private long records;
  private long tombstones;
  private long undecodable;
  private final Map<String, Long> undecodableByReason = new TreeMap<>();
  private String firstProblem;

  SourceStats(String topic) {
    this.topic = topic;
  }

  void absent() {
    present = false;
  }

  void record() {
    records++;
  }

  void tombstone() {
    tombstones++;
  }

  /**
   * A record that could not be decoded.
   *
   * @param reason a short, stable reason code
   * @param where and why, e.g. {@code partition 0 offset 12: TRUNCATED: ...}, kept for the first
   *     one
   */
  void undecodable(String reason, String where) {
    undecodable++;
    undecodableByReason.merge(reason, 1L, Long::sum);
    if (firstProblem == null) {
      firstProblem = where;
    }
  }

  String topic() {
    return topic;
  }

  boolean present() {
    return present;
  }

  /** Every record read, the undecodable ones and tombstones included. */
  long records() {
    return records;
  }

  long tombstones() {
    return tombstones;
  }

  long undecodable() {
    return undecodable;
  }

  Map<String, Long> undecodableByReason() {
    return Map.copyOf(undecodableByReason);
  }

  /** The first undecodable record's position and reason, or null. */
  String firstProblem() {
    return firstProblem;
  }
}
