package dev.sieve.cli.report;

import java.util.Comparator;

/**
 * Dead letters of one reason from one job on one dead-letter topic.
 *
 * @param example the message of the first such dead letter, which says what was wrong
 */
record DeadLetterCount(
    String topic, String job, String reason, long count, String example, long lastAtMs) {

  static final Comparator<DeadLetterCount> ORDER =
      Comparator.comparing(DeadLetterCount::topic)
          .thenComparing(Comparator.comparingLong(DeadLetterCount::count).reversed())
          .thenComparing(DeadLetterCount::reason)
          .thenComparing(DeadLetterCount::job);

  DeadLetterCount plus(long atMs) {
    return new DeadLetterCount(topic, job, reason, count + 1, example, Math.max(lastAtMs, atMs));
  }
}
