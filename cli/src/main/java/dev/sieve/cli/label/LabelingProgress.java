package dev.sieve.cli.label;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The counts of one labeling session and its progress line: answered, the rate per minute since the
 * session started, skipped, unsure, and how many requests the share group has left.
 */
final class LabelingProgress {

  private final long startNanos;
  private int answered;
  private int skipped;
  private int unsure;
  private int otherClassifiers;

  LabelingProgress(long startNanos) {
    this.startNanos = startNanos;
  }

  long startNanos() {
    return startNanos;
  }

  void answered() {
    answered++;
  }

  void skipped() {
    skipped++;
  }

  void unsure() {
    unsure++;
  }

  void otherClassifier() {
    otherClassifiers++;
  }

  int answeredCount() {
    return answered;
  }

  int skippedCount() {
    return skipped;
  }

  int unsureCount() {
    return unsure;
  }

  int shown() {
    return answered + skipped + unsure;
  }

  /** Answers per minute since the session started. */
  double ratePerMinute(long nowNanos) {
    double minutes = Math.max(1e-9, (nowNanos - startNanos) / 60e9);
    return answered / minutes;
  }

  /**
   * {@code answered 5 (3.2/min) - skipped 1 - unsure 0 - queue left 12}; the queue count is {@code
   * ≤n} when estimated, {@code ?} when Kafka did not say.
   */
  String line(long nowNanos, Optional<QueueBacklog.Backlog> backlog) {
    return String.format(
        Locale.ROOT,
        "answered %d (%.1f/min) - skipped %d - unsure %d - queue left %s%s",
        answered,
        ratePerMinute(nowNanos),
        skipped,
        unsure,
        backlog.map(QueueBacklog.Backlog::describe).orElse("?"),
        otherClassifiers > 0 ? " (all classifiers)" : "");
  }

  /** {@code 12m 05s}. */
  static String elapsed(Duration d) {
    return String.format(Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart());
  }
}
