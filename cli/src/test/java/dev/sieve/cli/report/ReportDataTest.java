package dev.sieve.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;

/** The aggregations behind the report, on records built in memory (no Kafka). */
class ReportDataTest {

  private static final long T0 = ReportFixtures.T0;
  private static final long MINUTE = ReportFixtures.MINUTE;

  @Test
  void bucketWidthsReadWellAndCoverTheRange() {
    assertThat(TimeBuckets.widthFor(T0, T0 + 59_000, 60, 1_000)).isEqualTo(1_000);
    assertThat(TimeBuckets.widthFor(T0, T0 + 120 * MINUTE, 40, 1_000)).isEqualTo(5 * MINUTE);
    assertThat(TimeBuckets.widthFor(T0, T0 + 400L * 24 * 60 * MINUTE, 40, 1_000))
        .isEqualTo(14L * 24 * 60 * MINUTE);
    assertThat(TimeBuckets.describe(5 * MINUTE)).isEqualTo("5 min");
    assertThat(TimeBuckets.describe(7L * 24 * 60 * MINUTE)).isEqualTo("7 d");
    assertThat(TimeBuckets.buckets(T0, T0 + 10 * MINUTE - 1, 5 * MINUTE)).isEqualTo(2);
  }

  @Test
  void classFrequenciesCountEachLabelPerBucketAndSurviveCoarsening() {
    ClassFrequencies f = new ClassFrequencies();
    f.add("spam", "ham", T0);
    f.add("spam", "ham", T0 + 30_000);
    f.add("spam", "spam", T0 + 6 * MINUTE);
    f.add("other", "x", T0 + 9 * MINUTE);
    // 3 h later: more than MAX_KEPT_BUCKETS seconds, so the kept buckets widen; nothing is lost
    f.add("spam", "spam", T0 + 180 * MINUTE);

    ClassFrequencies.Bucketed b = f.bucketed(40);

    assertThat(b.widthMs()).isEqualTo(5 * MINUTE);
    NavigableMap<Long, Map<String, Long>> spam = b.counts().get("spam");
    assertThat(spam.get(T0)).containsExactlyInAnyOrderEntriesOf(Map.of("ham", 2L));
    assertThat(spam.get(T0 + 5 * MINUTE)).containsExactlyInAnyOrderEntriesOf(Map.of("spam", 1L));
    assertThat(spam.get(T0 + 180 * MINUTE)).containsExactlyInAnyOrderEntriesOf(Map.of("spam", 1L));
    assertThat(b.counts().get("other").get(T0 + 5 * MINUTE)).containsEntry("x", 1L);
    assertThat(f.total()).isEqualTo(5);
    assertThat(f.labelsByFrequency("spam")).containsExactly("ham", "spam");
  }

  @Test
  void confidenceFallsIntoTwentyBinsAndNonFiniteIsCountedApart() {
    ConfidenceHistogram h = new ConfidenceHistogram();
    h.add("spam", 0.0);
    h.add("spam", 0.5);
    h.add("spam", 0.549);
    h.add("spam", 1.0);
    h.add("spam", Double.NaN);

    long[] counts = h.counts("spam");
    assertThat(counts[0]).isEqualTo(1);
    assertThat(counts[10]).isEqualTo(2);
    assertThat(counts[19]).isEqualTo(1);
    assertThat(h.total("spam")).isEqualTo(4);
    assertThat(h.nonFinite()).isEqualTo(1);
  }

  @Test
  void realisticDataIsAggregatedPerClassifierVersionStrategyAndReason() {
    ReportData data = ReportFixtures.feed("sieve.", ReportFixtures.realistic());

    assertThat(data.predictionCount()).isEqualTo(2L * ReportFixtures.PREDICTIONS_PER_CLASSIFIER);
    assertThat(data.predictions().get("spam").byVersion()).containsOnlyKeys(0, 1, 2);
    assertThat(
            data.predictions().get("spam").byVersion().values().stream()
                .mapToLong(Long::longValue)
                .sum())
        .isEqualTo(ReportFixtures.PREDICTIONS_PER_CLASSIFIER);
    // the spam share rises after the shift an hour in: that is the drift the charts must show
    ClassFrequencies.Bucketed b = data.frequencies().bucketed(ReportCharts.MAX_TIME_BUCKETS);
    assertThat(share(b.counts().get("spam"), "spam", T0, T0 + 60 * MINUTE)).isLessThan(0.25);
    assertThat(share(b.counts().get("spam"), "spam", T0 + 60 * MINUTE, T0 + 120 * MINUTE))
        .isGreaterThan(0.35);

    assertThat(data.requestsByStrategy().get("spam").keySet())
        .containsExactlyInAnyOrderElementsOf(ReportFixtures.STRATEGIES);
    assertThat(data.requestCount()).isEqualTo(180);
    assertThat(data.randomShareRequests())
        .isEqualTo(2L * data.requestsByStrategy().get("spam").get("random"));
    assertThat(data.labels()).containsEntry("spam", 80L).containsEntry("sentiment", 80L);
    assertThat(data.labelled()).containsEntry("spam", 76L);

    assertThat(data.versions()).hasSize(6);
    VersionSummary v2 = data.versions().get(new VersionKey("spam", 2));
    assertThat(v2.cvAccuracy()).isCloseTo(0.90, within(1e-9));
    assertThat(v2.parent()).isEqualTo(1);
    assertThat(data.versions().get(new VersionKey("spam", 0)).hasMetrics()).isFalse();

    assertThat(data.driftAlerts()).hasSize(7);
    assertThat(data.driftAlerts().stream().map(a -> a.getDetector()).distinct())
        .containsExactlyInAnyOrderElementsOf(ReportFixtures.DETECTORS);

    assertThat(data.deadLetters())
        .extracting(DeadLetterCount::topic, DeadLetterCount::reason, DeadLetterCount::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sieve.content.dlq", "EMPTY_TEXT", 6L),
            org.assertj.core.groups.Tuple.tuple("sieve.content.dlq", "NOT_AVRO_OR_JSON", 4L),
            org.assertj.core.groups.Tuple.tuple("sieve.content.dlq", "TEXT_TOO_LONG", 2L),
            org.assertj.core.groups.Tuple.tuple("sieve.labels.dlq", "UNKNOWN_CONTENT", 2L),
            org.assertj.core.groups.Tuple.tuple("sieve.labels.dlq", "UNKNOWN_CLASS", 1L));
    assertThat(data.deadLetters().get(0).example()).isEqualTo("empty text (record 0)");
    assertThat(data.summary())
        .isEqualTo(
            "1,200 predictions (2 classifiers), 180 label requests, 6 model versions, 7 drift"
                + " alerts, 15 dead letters, 0 undecodable records skipped");
  }

  @Test
  void driftWindowsKeepTheNewestPerClassifierAndDetector() {
    ReportData data = new ReportData("sieve.");
    int extra = 25;
    // one classifier's windows are in one partition, in the order they closed
    for (int i = 0; i < ReportData.MAX_WINDOWS + extra; i++) {
      data.add(window(ReportFixtures.window("spam", "centroid-cosine", 0.01, 0.03, i)));
    }
    data.add(window(ReportFixtures.window("spam", "class-mix-psi", 0.5, 0.11, 3)));

    assertThat(data.driftWindowsDropped()).isEqualTo(extra);
    List<DriftWindow> windows = data.driftWindows();
    assertThat(windows).hasSize(ReportData.MAX_WINDOWS + 1);
    // sorted by detector, then time; the oldest centroid windows are the ones dropped
    assertThat(windows.get(0).getDetector()).isEqualTo("centroid-cosine");
    assertThat(windows.get(0).getClosedAtMs())
        .isEqualTo(ReportFixtures.T0 + extra * ReportFixtures.MINUTE);
    assertThat(windows.subList(0, ReportData.MAX_WINDOWS))
        .isSortedAccordingTo(Comparator.comparingLong(DriftWindow::getClosedAtMs));
    assertThat(windows.get(ReportData.MAX_WINDOWS).getDetector()).isEqualTo("class-mix-psi");
    assertThat(windows.get(ReportData.MAX_WINDOWS).getAlerted()).isTrue();
  }

  private static DriftWindow window(ReportFixtures.Rec rec) {
    return (DriftWindow) rec.value();
  }

  @Test
  void liveAccuracyKeepsTheLatestRunningTotalOfEachVersion() {
    ReportData data = new ReportData("sieve.");
    data.add(new LiveAccuracy("spam", 1, 30L, 24L, 0.8, 6L, 5L, 5 / 6.0, T0 + 3 * MINUTE));
    data.add(new LiveAccuracy("spam", 1, 10L, 9L, 0.9, 2L, 2L, 1.0, T0 + MINUTE)); // late, older
    data.add(new LiveAccuracy("spam", 2, 5L, 4L, 0.8, 0L, 0L, Double.NaN, T0 + 4 * MINUTE));

    Map<VersionKey, LiveAccuracy> accuracy = data.accuracy();
    assertThat(accuracy.get(new VersionKey("spam", 1)).getLabels()).isEqualTo(30L);
    assertThat(accuracy.get(new VersionKey("spam", 2)).getUnbiasedAccuracy()).isNaN();
  }

  @Test
  void undecodableRecordsAreCountedPerTopicWithTheFirstReason() {
    ReportData data = new ReportData("p.");
    SourceStats predictions = data.source(Topics.PREDICTIONS);
    predictions.record();
    predictions.undecodable("BAD_MAGIC_BYTE", "partition 0 offset 7: BAD_MAGIC_BYTE: ...");
    predictions.record();
    predictions.undecodable("TRUNCATED", "partition 0 offset 9: TRUNCATED: ...");
    data.add(prediction("spam", "ham", 0.9));

    assertThat(data.undecodableCount()).isEqualTo(2);
    assertThat(predictions.undecodableByReason())
        .containsOnly(Map.entry("BAD_MAGIC_BYTE", 1L), Map.entry("TRUNCATED", 1L));
    assertThat(predictions.firstProblem()).startsWith("partition 0 offset 7");
    assertThat(predictions.topic()).isEqualTo("p.predictions");
    assertThat(data.sources()).extracting(SourceStats::topic).containsExactly("p.predictions");
  }

  static Prediction prediction(String classifier, String label, double confidence) {
    return Prediction.newBuilder()
        .setContentId("c")
        .setClassifier(classifier)
        .setLabel(label)
        .setConfidence(confidence)
        .setScores(Map.of(label, confidence))
        .setModelVersion(0)
        .setLatencyMs(1)
        .setPredictedAtMs(T0)
        .build();
  }

  private static double share(
      NavigableMap<Long, Map<String, Long>> buckets, String label, long from, long to) {
    long hits = 0;
    long all = 0;
    for (Map<String, Long> counts : buckets.subMap(from, true, to, false).values()) {
      hits += counts.getOrDefault(label, 0L);
      all += counts.values().stream().mapToLong(Long::longValue).sum();
    }
    return (double) hits / all;
  }
}
