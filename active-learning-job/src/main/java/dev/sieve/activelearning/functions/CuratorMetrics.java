package dev.sieve.activelearning.functions;

import dev.sieve.learning.selection.Decision;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The metrics of the {@link Curator}, under the operator's group {@code sieve}: {@code
 * scoredItems}, {@code requests} per strategy ({@code sieve.strategy.<name>.requests}), {@code
 * nearDuplicates}, {@code overBudget}, {@code belowThreshold}, {@code labelledExamples} and {@code
 * driftAlerts} counters, and per classifier ({@code sieve.classifier.<name>}) the gauges {@code
 * accuracy}, {@code unbiasedAccuracy}, {@code accuracyLabels}, {@code randomLabels} and {@code
 * accuracyVersion} of the latest labelled model version (NaN / -1 until this subtask has seen a
 * label of it since it started).
 */
final class CuratorMetrics {

  private final MetricGroup sieve;
  private final Map<String, Counter> requests = new HashMap<>();
  private final Map<String, Latest> latest = new HashMap<>();

  final Counter scored;
  final Counter nearDuplicates;
  final Counter overBudget;
  final Counter belowThreshold;
  final Counter labelled;
  final Counter driftAlerts;

  private static final class Latest {
    int version = -1;
    AccuracyCounts counts = new AccuracyCounts();
  }

  CuratorMetrics(MetricGroup operatorGroup) {
    sieve = operatorGroup.addGroup("sieve");
    scored = sieve.counter("scoredItems");
    nearDuplicates = sieve.counter("nearDuplicates");
    overBudget = sieve.counter("overBudget");
    belowThreshold = sieve.counter("belowThreshold");
    labelled = sieve.counter("labelledExamples");
    driftAlerts = sieve.counter("driftAlerts");
  }

  void decided(Decision decision) {
    switch (decision.outcome()) {
      case ASKED ->
          requests
              .computeIfAbsent(
                  decision.strategy(), s -> sieve.addGroup("strategy", s).counter("requests"))
              .inc();
      case NEAR_DUPLICATE -> nearDuplicates.inc();
      case OVER_BUDGET -> overBudget.inc();
      case BELOW_THRESHOLD -> belowThreshold.inc();
    }
  }

  void accuracy(String classifier, int version, AccuracyCounts counts) {
    Latest l = latest.get(classifier);
    if (l == null) {
      Latest created = new Latest();
      MetricGroup group = sieve.addGroup("classifier", classifier);
      group.gauge("accuracy", (Gauge<Double>) () -> created.counts.accuracy());
      group.gauge("unbiasedAccuracy", (Gauge<Double>) () -> created.counts.unbiasedAccuracy());
      group.gauge("accuracyLabels", (Gauge<Long>) () -> created.counts.labels);
      group.gauge("randomLabels", (Gauge<Long>) () -> created.counts.randomLabels);
      group.gauge("accuracyVersion", (Gauge<Integer>) () -> created.version);
      latest.put(classifier, created);
      l = created;
    }
    if (version >= l.version) {
      l.version = version;
      l.counts = counts;
    }
  }
}
