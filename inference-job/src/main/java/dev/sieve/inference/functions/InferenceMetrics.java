package dev.sieve.inference.functions;

import dev.sieve.inference.scoring.ServingModels;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics of {@link MicroBatchInferenceOperator}, under the operator's group {@code sieve}:
 * {@code recordsPerSecond} (meter), {@code batchSize}, {@code inferenceMs} (embedding and heads of
 * one batch) and {@code latencyMs} (per event, arrival to emission) histograms, counters of {@code
 * acceptedUpdates}, {@code rejectedUpdates} and {@code ignoredUpdates}, and one {@code
 * modelVersion} gauge per classifier under {@code sieve.classifier.<name>} (-1 while it has none).
 */
final class InferenceMetrics {

  /** Events kept by each histogram: enough for stable percentiles, small on the heap. */
  private static final int WINDOW = 1_000;

  final MetricGroup sieve;
  private final ServingModels serving;
  private final Set<String> watched = new HashSet<>();

  final Meter records;
  final Histogram batchSize;
  final Histogram inferenceMs;
  final Histogram latencyMs;
  final Counter accepted;
  final Counter rejected;
  final Counter ignored;

  InferenceMetrics(MetricGroup operatorGroup, ServingModels serving) {
    this.sieve = operatorGroup.addGroup("sieve");
    this.serving = serving;
    records = sieve.meter("recordsPerSecond", new MeterView(sieve.counter("records")));
    batchSize = sieve.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
    inferenceMs = sieve.histogram("inferenceMs", new DescriptiveStatisticsHistogram(WINDOW));
    latencyMs = sieve.histogram("latencyMs", new DescriptiveStatisticsHistogram(WINDOW));
    accepted = sieve.counter("acceptedUpdates");
    rejected = sieve.counter("rejectedUpdates");
    ignored = sieve.counter("ignoredUpdates");
  }

  /** Registers the version gauge of {@code classifier} the first time it is seen. */
  void watch(String classifier) {
    if (watched.add(classifier)) {
      sieve
          .addGroup("classifier", classifier)
          .gauge(
              "modelVersion",
              () -> {
                Integer version = serving.versionOf(classifier);
                return version == null ? -1 : version;
              });
    }
  }
}
