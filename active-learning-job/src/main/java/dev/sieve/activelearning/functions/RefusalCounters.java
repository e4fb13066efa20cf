package dev.sieve.activelearning.functions;

import dev.sieve.learning.labels.LabelRejectReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * One {@code refused} counter per {@link LabelRejectReason}, under {@code sieve.reason.<CODE>} (a
 * key/value group, so reporters such as Prometheus show the reason as a label). All registered up
 * front, so a dashboard sees zeros rather than missing series.
 */
public final class RefusalCounters {

  public static final String GROUP = "sieve";
  public static final String REASON = "reason";
  public static final String REFUSED = "refused";

  private final Map<LabelRejectReason, Counter> counters = new EnumMap<>(LabelRejectReason.class);

  public RefusalCounters(MetricGroup operatorGroup) {
    MetricGroup sieve = operatorGroup.addGroup(GROUP);
    for (LabelRejectReason reason : LabelRejectReason.values()) {
      counters.put(reason, sieve.addGroup(REASON, reason.name()).counter(REFUSED));
    }
  }

  public void inc(LabelRejectReason reason) {
    counters.get(reason).inc();
  }

  public long count(LabelRejectReason reason) {
    return counters.get(reason).getCount();
  }
}
