package dev.sieve.activelearning.functions;

import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.drift.DriftFinding;
import dev.sieve.learning.drift.DriftMonitor;
import dev.sieve.learning.drift.DriftState;
import dev.sieve.learning.selection.Decision;
import dev.sieve.learning.selection.LabelSelector;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.SelectorState;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.RetrainRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-classifier brain of the job, keyed by classifier: for each prediction (input 1) it asks
 * the {@link LabelSelector} whether a human should label it (→ {@code LabelRequest}) and lets the
 * {@link DriftMonitor} observe it; for each joined label (input 2) it counts the label for the
 * selector, publishes the {@code LabelledExample}, updates the live accuracy of the model version
 * that served the content (→ {@link #ACCURACY}) and feeds the error-rate detector. Every closed
 * drift window goes out with its statistic and threshold (→ {@link #DRIFT_WINDOWS}); a drift
 * finding becomes a {@code DriftAlert} and a {@code RetrainRequest} and raises the labeling budget
 * for a while. All state is keyed (RocksDB in production): {@link SelectorState} and {@link
 * DriftState} as POJOs (a few KB per classifier), the near-duplicate ring, the asked ids (with the
 * content TTL) and the accuracy counts per model version.
 */
public class Curator extends KeyedCoProcessFunction<String, ScoredItem, JoinedLabel, LabelRequest> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<LabelledExample> LABELLED =
      new OutputTag<>("labelled", new AvroTypeInfo<>(LabelledExample.class));
  public static final OutputTag<LiveAccuracy> ACCURACY =
      new OutputTag<>("accuracy", new AvroTypeInfo<>(LiveAccuracy.class));
  public static final OutputTag<DriftAlert> DRIFT =
      new OutputTag<>("drift", new AvroTypeInfo<>(DriftAlert.class));

  /** Every closed window of every windowed drift detector, alerted or not. */
  public static final OutputTag<DriftWindow> DRIFT_WINDOWS =
      new OutputTag<>("drift-windows", new AvroTypeInfo<>(DriftWindow.class));

  public static final OutputTag<RetrainRequest> RETRAIN =
      new OutputTag<>("retrain", new AvroTypeInfo<>(RetrainRequest.class));

  /** State names: part of savepoints, never rename. */
  public static final String SELECTOR = "selector";

  public static final String DRIFT_STATE = "drift";
  public static final String MEMORY = "near-duplicate-memory";
  public static final String MEMORY_ADDED = "near-duplicate-memory-added";
  public static final String ASKED = "asked";
  public static final String ACCURACY_COUNTS = "accuracy";

  private final SelectionConfig selection;
  private final DriftConfig drift;
  private final int memoryCapacity;
  private final Duration askedTtl;

  private transient LabelSelector selector;
  private transient DriftMonitor monitor;
  private transient ValueState<SelectorState> selectorState;
  private transient ValueState<DriftState> driftState;
  private transient StateEmbeddingMemory memory;
  private transient MapState<String, AskedSample> asked;
  private transient MapState<Integer, AccuracyCounts> accuracy;
  private transient CuratorMetrics metrics;

  public Curator(
      SelectionConfig selection, DriftConfig drift, int memoryCapacity, Duration askedTtl) {
    this.selection = Objects.requireNonNull(selection, "selection");
    this.drift = Objects.requireNonNull(drift, "drift");
    if (memoryCapacity < 1) {
      throw new IllegalArgumentException("memory capacity must be >= 1, got " + memoryCapacity);
    }
    this.memoryCapacity = memoryCapacity;
    this.askedTtl = Objects.requireNonNull(askedTtl, "askedTtl");
  }

  @Override
  public void open(OpenContext openContext) {
    selector = new LabelSelector(selection);
    monitor = new DriftMonitor(drift);
    var context = getRuntimeContext();
    selectorState =
        context.getState(new ValueStateDescriptor<>(SELECTOR, Types.POJO(SelectorState.class)));
    driftState =
        context.getState(new ValueStateDescriptor<>(DRIFT_STATE, Types.POJO(DriftState.class)));
    memory =
        new StateEmbeddingMemory(
            context.getMapState(
                new MapStateDescriptor<>(
                    MEMORY, Types.INT, PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO)),
            context.getState(new ValueStateDescriptor<>(MEMORY_ADDED, Types.LONG)),
            memoryCapacity);
    var askedDescriptor =
        new MapStateDescriptor<>(ASKED, Types.STRING, Types.POJO(AskedSample.class));
    askedDescriptor.enableTimeToLive(StateTtl.fromLastWrite(askedTtl));
    asked = context.getMapState(askedDescriptor);
    accuracy =
        context.getMapState(
            new MapStateDescriptor<>(ACCURACY_COUNTS, Types.INT, Types.POJO(AccuracyCounts.class)));
    metrics = new CuratorMetrics(context.getMetricGroup());
  }

  @Override
  public void processElement1(ScoredItem item, Context ctx, Collector<LabelRequest> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    SelectorState state = orNew(selectorState.value());
    Decision decision =
        selector.offer(
            state,
            item.contentId,
            item.classes,
            item.scores,
            item.modelVersion,
            item.embedding,
            memory,
            now);
    metrics.decided(decision);
    if (decision.asked()) {
      asked.put(item.contentId, new AskedSample(decision.strategy(), decision.randomShare(), now));
      out.collect(CuratorRecords.request(item, decision, now));
    }
    DriftState driftNow = driftState.value();
    if (driftNow == null) {
      driftNow = new DriftState();
    }
    List<DriftFinding> findings =
        monitor.observe(
            driftNow,
            item.modelVersion,
            item.classes,
            item.scores,
            item.embedding,
            window ->
                ctx.output(DRIFT_WINDOWS, CuratorRecords.window(item.classifier, window, now)));
    if (!findings.isEmpty()) {
      alert(item.classifier, findings, state, ctx, now);
    }
    selectorState.update(state);
    driftState.update(driftNow);
    metrics.scored.inc(); // last: when it reaches n, every counter of the n events is final
  }

  @Override
  public void processElement2(JoinedLabel label, Context ctx, Collector<LabelRequest> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    AskedSample sample = asked.get(label.contentId);
    boolean random = sample != null && sample.randomShare;
    asked.remove(label.contentId);

    SelectorState state = orNew(selectorState.value());
    selector.onLabel(state, label.label, label.embedding, memory);
    ctx.output(LABELLED, CuratorRecords.labelled(label, random));
    metrics.labelled.inc();

    AccuracyCounts counts = accuracy.get(label.modelVersion);
    counts = counts == null ? new AccuracyCounts() : counts;
    counts.add(label.correct(), random);
    accuracy.put(label.modelVersion, counts);
    metrics.accuracy(label.classifier, label.modelVersion, counts);
    ctx.output(
        ACCURACY, CuratorRecords.accuracy(label.classifier, label.modelVersion, counts, now));

    DriftState driftNow = driftState.value();
    if (driftNow != null) {
      var finding = monitor.observeLabel(driftNow, label.modelVersion, !label.correct());
      if (finding.isPresent()) {
        alert(label.classifier, List.of(finding.get()), state, ctx, now);
      }
      driftState.update(driftNow);
    }
    selectorState.update(state);
  }

  private void alert(
      String classifier, List<DriftFinding> findings, SelectorState state, Context ctx, long now) {
    for (DriftFinding finding : findings) {
      ctx.output(DRIFT, CuratorRecords.alert(classifier, finding, now));
      metrics.driftAlerts.inc();
    }
    ctx.output(RETRAIN, CuratorRecords.retrain(classifier, findings, now));
    selector.boostAfterDrift(state);
  }

  private static SelectorState orNew(SelectorState state) {
    return state == null ? new SelectorState() : state;
  }
}
