package dev.sieve.ingest.functions;

import dev.sieve.core.content.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * One {@code rejected} counter per {@link RejectReason}, under the metric group {@code
 * sieve.reason.<CODE>} (a key/value group, so reporters such as Prometheus show the reason as a
 * label). All are registered up front, so a dashboard sees zeros rather than missing series.
 */
public final class RejectionCounters {

  public static final String GROUP = "sieve";
  public static final String REASON = "reason";
  public static final String REJECTED = "rejected";

  private final Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);

  public RejectionCounters(MetricGroup operatorGroup) {
    MetricGroup sieve = operatorGroup.addGroup(GROUP);
    for (RejectReason reason : RejectReason.values()) {
      counters.put(reason, sieve.addGroup(REASON, reason.name()).counter(REJECTED));
    }
  }

  public void inc(RejectReason reason) {
    counters.get(reason).inc();
  }

  public long count(RejectReason reason) {
    return counters.get(reason).getCount();
  }
}
