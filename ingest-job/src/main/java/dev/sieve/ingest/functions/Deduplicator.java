package dev.sieve.ingest.functions;

import dev.sieve.schemas.ContentEvent;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets the first event of each content id through and drops repeats seen within the TTL, counting
 * them in the {@code sieve.duplicates} metric (and what it forwards in {@code sieve.accepted}).
 * Keyed by id; the "seen" flag lives in keyed state (RocksDB in production) and expires by itself
 * {@code ttl} after the id was first seen, so state stays bounded without timers.
 */
public class Deduplicator extends KeyedProcessFunction<String, ContentEvent, ContentEvent> {

  private static final long serialVersionUID = 1L;

  /** Name of the keyed state; part of savepoints, never rename. */
  public static final String SEEN_STATE = "seen-content-ids";

  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATES = "duplicates";

  private final Duration ttl;

  private transient ValueState<Boolean> seen;
  private transient Counter accepted;
  private transient Counter duplicates;

  public Deduplicator(Duration ttl) {
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  /**
   * The state descriptor. Not a shared constant: the TTL is configuration, and {@code
   * enableTimeToLive} mutates the descriptor, so a static one would leak one job's TTL into another
   * in the same JVM.
   *
   * <p>The TTL runs from the first sighting (a duplicate does not extend it), in processing time;
   * expired ids are never returned, and RocksDB drops them during compaction.
   */
  public static ValueStateDescriptor<Boolean> seenState(Duration ttl) {
    ValueStateDescriptor<Boolean> descriptor =
        new ValueStateDescriptor<>(SEEN_STATE, Types.BOOLEAN);
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(ttl)
            .updateTtlOnCreateAndWrite()
            .neverReturnExpired()
            .cleanupInRocksdbCompactFilter(1_000)
            .build());
    return descriptor;
  }

  @Override
  public void open(OpenContext openContext) {
    seen = getRuntimeContext().getState(seenState(ttl));
    var metrics = getRuntimeContext().getMetricGroup().addGroup(RejectionCounters.GROUP);
    accepted = metrics.counter(ACCEPTED);
    duplicates = metrics.counter(DUPLICATES);
  }

  @Override
  public void processElement(ContentEvent event, Context ctx, Collector<ContentEvent> out)
      throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      return;
    }
    seen.update(Boolean.TRUE);
    accepted.inc();
    out.collect(event);
  }
}
