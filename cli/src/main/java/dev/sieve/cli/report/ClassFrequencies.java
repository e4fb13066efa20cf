package dev.sieve.cli.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How many predictions of each class each classifier made, per time bucket. Memory stays bounded
 * however long the topic is: counts are kept in buckets of one width for all classifiers, and when
 * the time range read so far would need more than {@link #MAX_KEPT_BUCKETS} of them the width grows
 * to the next {@link TimeBuckets} step and the counts are merged.
 */
final class ClassFrequencies {

  static final int MAX_KEPT_BUCKETS = 2_000;

  private final Map<String, TreeMap<Long, Map<String, Long>>> byClassifier = new TreeMap<>();
  private long widthMs = TimeBuckets.WIDTHS_MS[0];
  private long firstMs = Long.MAX_VALUE;
  private long lastMs = Long.MIN_VALUE;
  private long total;

  void add(String classifier, String label, long atMs) {
    firstMs = Math.min(firstMs, atMs);
    lastMs = Math.max(lastMs, atMs);
    total++;
    if (TimeBuckets.buckets(firstMs, lastMs, widthMs) > MAX_KEPT_BUCKETS) {
      long wider = TimeBuckets.widthFor(firstMs, lastMs, MAX_KEPT_BUCKETS, widthMs);
      byClassifier.replaceAll((c, buckets) -> rebucket(buckets, wider));
      widthMs = wider;
    }
    byClassifier
        .computeIfAbsent(classifier, c -> new TreeMap<>())
        .computeIfAbsent(TimeBuckets.floor(atMs, widthMs), t -> new TreeMap<>())
        .merge(label, 1L, Long::sum);
  }

  long total() {
    return total;
  }

  List<String> classifiers() {
    return List.copyOf(byClassifier.keySet());
  }

  /**
   * The counts of every classifier in at most {@code maxBuckets} buckets over the whole time range
   * (the same buckets for every classifier, so their charts line up).
   */
  Bucketed bucketed(int maxBuckets) {
    if (total == 0) {
      return new Bucketed(widthMs, Map.of());
    }
    long width = TimeBuckets.widthFor(firstMs, lastMs, maxBuckets, widthMs);
    Map<String, NavigableMap<Long, Map<String, Long>>> out = new TreeMap<>();
    byClassifier.forEach(
        (c, buckets) -> out.put(c, Collections.unmodifiableNavigableMap(rebucket(buckets, width))));
    return new Bucketed(width, Collections.unmodifiableMap(out));
  }

  /** Every label of a classifier, the most frequent first. */
  List<String> labelsByFrequency(String classifier) {
    Map<String, Long> sums = new LinkedHashMap<>();
    byClassifier
        .getOrDefault(classifier, new TreeMap<>())
        .values()
        .forEach(counts -> counts.forEach((label, n) -> sums.merge(label, n, Long::sum)));
    return sums.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
  }

  private static TreeMap<Long, Map<String, Long>> rebucket(
      Map<Long, Map<String, Long>> buckets, long width) {
    TreeMap<Long, Map<String, Long>> out = new TreeMap<>();
    buckets.forEach(
        (start, counts) -> {
          Map<String, Long> into =
              out.computeIfAbsent(TimeBuckets.floor(start, width), t -> new TreeMap<>());
          counts.forEach((label, n) -> into.merge(label, n, Long::sum));
        });
    return out;
  }

  /**
   * Counts per classifier, bucket start (epoch ms) and label.
   *
   * @param widthMs the width of every bucket
   */
  record Bucketed(long widthMs, Map<String, NavigableMap<Long, Map<String, Long>>> counts) {}
}
