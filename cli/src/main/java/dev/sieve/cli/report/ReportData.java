package dev.sieve.cli.report;

import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topic;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything {@code sieve report} shows, aggregated from Sieve's topics while they are read once
 * from the beginning. It is plain Java with no Kafka in it: {@link ReportReader} feeds it decoded
 * records, tests feed it built ones, and {@link ReportPage} reads the aggregates. Memory grows with
 * classifiers, versions, strategies, reasons and time buckets, not with the number of records
 * (drift alerts are kept one by one, as they are rare by design; drift windows too, the newest
 * {@value #MAX_WINDOWS} per classifier and detector).
 */
public final class ReportData {

  /**
   * Drift windows kept per classifier and detector, the newest: a chart's worth (at the default
   * window of 500 events, a million events of one classifier).
   */
  static final int MAX_WINDOWS = 2_000;

  private final String topicPrefix;
  private final Map<String, SourceStats> sources = new LinkedHashMap<>();
  private final ClassFrequencies frequencies = new ClassFrequencies();
  private final ConfidenceHistogram confidence = new ConfidenceHistogram();
  private final Map<String, PredictionCounts> predictions = new TreeMap<>();
  private final Map<String, Map<String, Long>> requests = new TreeMap<>();
  private long randomShareRequests;
  private final Map<VersionKey, LiveAccuracy> accuracy = new TreeMap<>();
  private final Map<VersionKey, VersionSummary> versions = new TreeMap<>();
  private final List<DriftAlert> driftAlerts = new ArrayList<>();
  private final Map<List<String>, ArrayDeque<DriftWindow>> driftWindows = new LinkedHashMap<>();
  private long driftWindowsDropped;
  private final Map<String, Long> labels = new TreeMap<>();
  private final Map<String, Long> labelled = new TreeMap<>();
  private final Map<List<String>, DeadLetterCount> deadLetters = new LinkedHashMap<>();

  public ReportData(String topicPrefix) {
    this.topicPrefix = topicPrefix;
  }

  public String topicPrefix() {
    return topicPrefix;
  }

  /** The reading statistics of a topic, created on first use in the order topics are read. */
  SourceStats source(Topic<String, ?> topic) {
    return sources.computeIfAbsent(topic.suffix(), s -> new SourceStats(topic.name(topicPrefix)));
  }

  public void add(Prediction p) {
    frequencies.add(p.getClassifier(), p.getLabel(), p.getPredictedAtMs());
    confidence.add(p.getClassifier(), p.getConfidence());
    predictions
        .computeIfAbsent(p.getClassifier(), c -> new PredictionCounts())
        .add(p.getModelVersion(), p.getPredictedAtMs());
  }

  public void add(LabelRequest r) {
    requests
        .computeIfAbsent(r.getClassifier(), c -> new TreeMap<>())
        .merge(r.getStrategy(), 1L, Long::sum);
    if (r.getRandomShare()) {
      randomShareRequests++;
    }
  }

  /** Keeps the latest measurement of each version: the topic holds running totals. */
  public void add(LiveAccuracy a) {
    accuracy.merge(
        new VersionKey(a.getClassifier(), a.getModelVersion()),
        a,
        (old, now) ->
            now.getMeasuredAtMs() > old.getMeasuredAtMs()
                    || (now.getMeasuredAtMs() == old.getMeasuredAtMs()
                        && now.getLabels() >= old.getLabels())
                ? now
                : old);
  }

  public void add(DriftAlert d) {
    driftAlerts.add(d);
  }

  public void add(DriftWindow w) {
    ArrayDeque<DriftWindow> kept =
        driftWindows.computeIfAbsent(
            List.of(w.getClassifier(), w.getDetector()), k -> new ArrayDeque<>());
    kept.addLast(w);
    if (kept.size() > MAX_WINDOWS) {
      kept.removeFirst();
      driftWindowsDropped++;
    }
  }

  public void add(ModelVersion v) {
    VersionSummary s = VersionSummary.of(v);
    versions.put(s.key(), s);
  }

  public void add(Label l) {
    labels.merge(l.getClassifier(), 1L, Long::sum);
  }

  public void add(LabelledExample e) {
    labelled.merge(e.getClassifier(), 1L, Long::sum);
  }

  public void addDeadLetter(Topic<String, DeadLetter> topic, DeadLetter d) {
    String name = topic.name(topicPrefix);
    deadLetters.merge(
        List.of(name, d.getJob(), d.getReason()),
        new DeadLetterCount(
            name, d.getJob(), d.getReason(), 1, d.getMessage(), d.getRejectedAtMs()),
        (old, now) -> old.plus(now.lastAtMs()));
  }

  List<SourceStats> sources() {
    return List.copyOf(sources.values());
  }

  /** The statistics of the topic with this suffix, or null if it was not read. */
  SourceStats sourceOrNull(Topic<String, ?> topic) {
    return sources.get(topic.suffix());
  }

  ClassFrequencies frequencies() {
    return frequencies;
  }

  ConfidenceHistogram confidence() {
    return confidence;
  }

  Map<String, PredictionCounts> predictions() {
    return Collections.unmodifiableMap(predictions);
  }

  long predictionCount() {
    return predictions.values().stream().mapToLong(PredictionCounts::total).sum();
  }

  /** Label requests per classifier and strategy (why each sample was chosen). */
  Map<String, Map<String, Long>> requestsByStrategy() {
    return Collections.unmodifiableMap(requests);
  }

  long requestCount() {
    return requests.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }

  long randomShareRequests() {
    return randomShareRequests;
  }

  /** The latest live accuracy of every version that has one. */
  Map<VersionKey, LiveAccuracy> accuracy() {
    return Collections.unmodifiableMap(accuracy);
  }

  Map<VersionKey, VersionSummary> versions() {
    return Collections.unmodifiableMap(versions);
  }

  /** Drift alerts sorted by detector, classifier and time. */
  List<DriftAlert> driftAlerts() {
    List<DriftAlert> sorted = new ArrayList<>(driftAlerts);
    sorted.sort(
        Comparator.comparing(DriftAlert::getDetector)
            .thenComparing(DriftAlert::getClassifier)
            .thenComparingLong(DriftAlert::getDetectedAtMs));
    return sorted;
  }

  /** Drift windows (the newest {@value #MAX_WINDOWS} of each), by detector, classifier, time. */
  List<DriftWindow> driftWindows() {
    List<DriftWindow> sorted = new ArrayList<>();
    driftWindows.values().forEach(sorted::addAll);
    sorted.sort(
        Comparator.comparing(DriftWindow::getDetector)
            .thenComparing(DriftWindow::getClassifier)
            .thenComparingLong(DriftWindow::getClosedAtMs)
            .thenComparingLong(DriftWindow::getAtEvent));
    return sorted;
  }

  /** Older drift windows left out of {@link #driftWindows()}. */
  long driftWindowsDropped() {
    return driftWindowsDropped;
  }

  Map<String, Long> labels() {
    return Collections.unmodifiableMap(labels);
  }

  Map<String, Long> labelled() {
    return Collections.unmodifiableMap(labelled);
  }

  /** Dead letters per topic, job and reason; per topic, the most frequent reason first. */
  List<DeadLetterCount> deadLetters() {
    List<DeadLetterCount> sorted = new ArrayList<>(deadLetters.values());
    sorted.sort(DeadLetterCount.ORDER);
    return sorted;
  }

  long deadLetterCount() {
    return deadLetters.values().stream().mapToLong(DeadLetterCount::count).sum();
  }

  long undecodableCount() {
    return sources.values().stream().mapToLong(SourceStats::undecodable).sum();
  }

  /** Topics that were to be read but do not exist. */
  public List<String> absentTopics() {
    return sources.values().stream().filter(s -> !s.present()).map(SourceStats::topic).toList();
  }

  /** One line for the terminal: what the report is made of. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "%,d predictions (%d classifiers), %,d label requests, %,d model versions, %,d drift"
            + " alerts, %,d dead letters, %,d undecodable records skipped",
        predictionCount(),
        predictions.size(),
        requestCount(),
        versions.size(),
        driftAlerts.size(),
        deadLetterCount(),
        undecodableCount());
  }
}
