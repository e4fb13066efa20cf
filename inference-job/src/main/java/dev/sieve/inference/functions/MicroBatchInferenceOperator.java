package dev.sieve.inference.functions;

import dev.sieve.inference.scoring.BatchScorer;
import dev.sieve.inference.scoring.EmbeddingNetworks;
import dev.sieve.inference.scoring.ModelAlerts;
import dev.sieve.inference.scoring.ModelRuntime;
import dev.sieve.inference.scoring.PendingEvent;
import dev.sieve.inference.scoring.ScoredEvent;
import dev.sieve.inference.scoring.ServingModels;
import dev.sieve.inference.scoring.Verdict;
import dev.sieve.inference.scoring.VersionValidator;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Scores content events (input 1) in micro-batches with every classifier's current head, and
 * hot-swaps heads from the broadcast model stream (input 2). A batch is scored when it is full,
 * when its first event has waited {@code maxWait} (processing-time timer), at end of input, and in
 * {@link #prepareSnapshotPreBarrier} — so no buffered event is ever part of a checkpoint, and a
 * restore neither loses nor repeats one. This beats the alternatives: keeping the buffer in
 * operator state would checkpoint texts that are about to be scored and replay them after a restore
 * anyway; a keyed design would need a keyBy shuffle, buffers per key and per-key timers, which
 * defeat batching across keys, and a {@code BroadcastProcessFunction} has no timers and no hook
 * before the barrier. A model version is validated (digest, signature, embedding model, loadable
 * head, input dimension, label count, smoke test) and, if accepted, swapped in only after the
 * pending batch has been scored, so no batch mixes versions; its metadata and head bytes go to
 * broadcast state (never the native head), from which {@link #open} reloads the heads after a
 * restore. A version at or below the serving one is ignored (replays of the compacted topic); a
 * refused one becomes a {@link ModelAlert} on {@link #ALERTS} while the old version keeps serving.
 * Each version is served beside the embedding network it names ({@link EmbeddingNetworks}): the
 * network is acquired when the first accepted version needs it (a load, if no one else in the JVM
 * holds it, on this thread, after the pending batch has been scored) and released once no served
 * version reads it; the primary network ({@code --embedding-model}, whose embedding goes into
 * {@link ScoredContent}) is held from {@link #open} to {@link #close}. Latency is measured from the
 * event's arrival in this operator, not from its Kafka timestamp, so it is the job's own cost
 * (batch wait plus inference), free of upstream lag and clock skew.
 *
 * <p><b>Catch-up.</b> On every start the content and model sources race; content scored before a
 * classifier's current version has been read would get no prediction for it. So content is only
 * scored once the model stream has delivered {@link ModelUpdate#caughtUp()} (or ended): {@link
 * ModelRecordDecoder} sends it once it has passed everything {@code sieve.models} held when it
 * started. Until then content events are <em>held</em>, at most {@code maxHeld} per subtask
 * (beyond, the task fails with a message saying so, rather than growing the heap). Stopping the
 * content input instead ({@code InputSelectable}, so that backpressure holds the events in Kafka)
 * is what Flink would do in batch, but Flink 2.2 refuses to build a job graph with checkpointing
 * and an {@code InputSelectable} operator, and an aligned barrier on the model input would deadlock
 * against an unread content input anyway. Held events are kept in operator list state {@link
 * #HELD_CONTENT}, not a transient buffer: a checkpoint can be taken while they wait, and the
 * content source's offsets in it are already past them, so they must be part of the snapshot
 * (unlike the micro-batch, they cannot be scored before the barrier). Once caught up, held events
 * are scored in arrival order before any new one, and the list is empty again.
 */
public class MicroBatchInferenceOperator extends AbstractStreamOperator<Prediction>
    implements TwoInputStreamOperator<ContentEvent, ModelUpdate, Prediction>, BoundedMultiInput {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<ScoredContent> SCORED =
      new OutputTag<>("scored-content", new AvroTypeInfo<>(ScoredContent.class));

  public static final OutputTag<ModelAlert> ALERTS =
      new OutputTag<>("model-alerts", new AvroTypeInfo<>(ModelAlert.class));

  /** Accepted version per classifier: the same on every subtask, since each gets every update. */
  public static final MapStateDescriptor<String, ModelVersion> ACCEPTED_VERSIONS =
      new MapStateDescriptor<>(
          "accepted-model-versions", Types.STRING, new AvroTypeInfo<>(ModelVersion.class));

  /**
   * Content events held until the model stream has caught up: (event, arrival processing time,
   * record timestamp, whether it had one). Empty whenever the operator has caught up.
   */
  public static final ListStateDescriptor<Tuple4<ContentEvent, Long, Long, Boolean>> HELD_CONTENT =
      new ListStateDescriptor<>(
          "content-held-until-models-caught-up",
          Types.TUPLE(
              new AvroTypeInfo<>(ContentEvent.class), Types.LONG, Types.LONG, Types.BOOLEAN));

  /**
   * Held events per subtask before the task gives up. The models topic is small, so the model
   * stream catches up within a second or two of the start, but a fresh start over a backlog reads
   * content at tens of thousands of events a second meanwhile: 200,000 short texts (tens of MB of
   * operator state at worst) leaves room for that, and still fails loudly instead of growing
   * without bound if the model stream never catches up.
   */
  public static final int DEFAULT_MAX_HELD = 200_000;

  private final ModelRuntime runtime;
  private final int maxBatchSize;
  private final long maxWaitMs;
  private final int maxHeld;
  private final int emitEvery;
  private final boolean adaptive;

  private transient ListState<Tuple4<ContentEvent, Long, Long, Boolean>> held;
  private transient int heldCount;
  private transient boolean caughtUp;
  private transient BroadcastState<String, ModelVersion> accepted;
  private transient EmbeddingNetworks networks;
  private transient VersionValidator validator;
  private transient ServingModels serving;
  private transient BatchScorer scorer;
  private transient InferenceMetrics metrics;
  private transient List<PendingEvent> pending;
  private transient List<ModelAlert> restoreAlerts;
  private transient ScheduledFuture<?> flushTimer;
  private transient AdaptiveBatchSize sizer;

  /** Fixed batches of {@code maxBatchSize}, each emitted once it is scored whole. */
  public MicroBatchInferenceOperator(ModelRuntime runtime, int maxBatchSize, long maxWaitMs) {
    this(runtime, maxBatchSize, maxWaitMs, DEFAULT_MAX_HELD);
  }

  /** Fixed batches of {@code maxBatchSize}, each emitted once it is scored whole. */
  public MicroBatchInferenceOperator(
      ModelRuntime runtime, int maxBatchSize, long maxWaitMs, int maxHeld) {
    this(runtime, maxBatchSize, maxWaitMs, maxHeld, maxBatchSize, false);
  }

  /**
   * The job's operator: batches sized from the arrival rate ({@link AdaptiveBatchSize}, at most
   * {@code maxBatchSize}), each sub-batch of {@code subBatch} events emitted as soon as it is
   * scored.
   */
  public static MicroBatchInferenceOperator latencyAware(
      ModelRuntime runtime, int maxBatchSize, long maxWaitMs, int subBatch) {
    return new MicroBatchInferenceOperator(
        runtime, maxBatchSize, maxWaitMs, DEFAULT_MAX_HELD, subBatch, true);
  }

  /**
   * @param emitEvery a batch is scored and emitted in slices of this many events (the embedder's
   *     sub-batch), so the first slice's predictions leave before the next slice is embedded
   * @param adaptive whether batches are sized from the observed arrival rate (up to {@code
   *     maxBatchSize}) or always {@code maxBatchSize}
   */
  public MicroBatchInferenceOperator(
      ModelRuntime runtime,
      int maxBatchSize,
      long maxWaitMs,
      int maxHeld,
      int emitEvery,
      boolean adaptive) {
    if (maxBatchSize < 1 || maxWaitMs < 1 || maxHeld < 1 || emitEvery < 1) {
      throw new IllegalArgumentException(
          "batch size, wait, held events and emission slice must be positive");
    }
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.maxBatchSize = maxBatchSize;
    this.maxWaitMs = maxWaitMs;
    this.maxHeld = maxHeld;
    this.emitEvery = emitEvery;
    this.adaptive = adaptive;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    accepted = context.getOperatorStateStore().getBroadcastState(ACCEPTED_VERSIONS);
    held = context.getOperatorStateStore().getListState(HELD_CONTENT);
  }

  @Override
  public void open() throws Exception {
    super.open();
    pending = new ArrayList<>(maxBatchSize);
    restoreAlerts = new ArrayList<>();
    serving = new ServingModels();
    metrics = new InferenceMetrics(getMetricGroup(), serving);
    sizer = new AdaptiveBatchSize(maxBatchSize, maxWaitMs);
    metrics.sieve.gauge("batchTarget", this::targetBatchSize);
    networks = EmbeddingNetworks.of(runtime);
    validator = runtime.validator();
    scorer = new BatchScorer(networks);
    caughtUp = false; // after a restore too: the decoder announces again once it has caught up
    heldCount = 0;
    held.get().forEach(e -> heldCount++);
    getMetricGroup().addGroup("sieve").gauge("heldEvents", () -> heldCount);
    getMetricGroup().addGroup("sieve").gauge("embeddingNetworks", () -> networks.size());
    // Re-validate what the checkpoint holds: the key or the embedding network may have changed.
    List<ModelVersion> restored = new ArrayList<>();
    accepted.entries().forEach(e -> restored.add(e.getValue()));
    for (ModelVersion version : restored) {
      Verdict verdict = validator.validate(version);
      ModelAlert refused =
          verdict.isAccepted() ? requireNetwork(version, verdict) : alert(version, verdict);
      if (refused == null) {
        serve(version, verdict);
      } else {
        accepted.remove(version.getClassifier());
        metrics.rejected.inc();
        // Emitted with the first record: an operator should not emit from open().
        restoreAlerts.add(refused);
      }
    }
  }

  @Override
  public void processElement1(StreamRecord<ContentEvent> element) throws Exception {
    emitRestoreAlerts();
    long now = getProcessingTimeService().getCurrentProcessingTime();
    metrics.records.markEvent();
    if (!caughtUp) {
      hold(element, now);
      return;
    }
    sizer.arrived(now);
    enqueue(
        new PendingEvent(element.getValue(), now, element.getTimestamp(), element.hasTimestamp()));
  }

  @Override
  public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
    emitRestoreAlerts();
    if (element.getValue().isCaughtUp()) {
      release();
      return;
    }
    ModelVersion version = element.getValue().getVersion();
    if (!serving.isNewer(version)) {
      metrics.ignored.inc();
      return;
    }
    Verdict verdict = validator.validate(version);
    if (!verdict.isAccepted()) {
      metrics.rejected.inc();
      output.collect(ALERTS, new StreamRecord<>(alert(version, verdict)));
      return;
    }
    flush(); // the pending events were waiting for the old version: score them with it
    ModelAlert unavailable = requireNetwork(version, verdict);
    if (unavailable != null) {
      metrics.rejected.inc();
      output.collect(ALERTS, new StreamRecord<>(unavailable));
      return;
    }
    serve(version, verdict);
    accepted.put(version.getClassifier(), version);
    metrics.accepted.inc();
    LOG.info(
        "Serving {} v{} on {}",
        version.getClassifier(),
        version.getVersion(),
        version.getEmbeddingModelId());
    Set<String> released = networks.retainOnly(serving.networksInUse());
    if (!released.isEmpty()) {
      LOG.info("Released embedding network(s) {}: no served version reads them", released);
    }
  }

  /**
   * Acquires the network an accepted version reads (loading it if no one in the JVM holds it). Null
   * when it is held; otherwise the head is closed and the alert to publish is returned.
   */
  private ModelAlert requireNetwork(ModelVersion version, Verdict verdict) {
    String network = ServingModels.network(version);
    if (network == null) {
      return null; // reads lexical features only
    }
    try {
      networks.require(network);
      return null;
    } catch (RuntimeException e) {
      verdict.head().close();
      LOG.warn("Cannot load embedding network {}", version.getEmbeddingModelId(), e);
      return alert(
          version,
          Verdict.refused(
              ModelAlerts.EMBEDDING_UNAVAILABLE,
              "classifier '"
                  + version.getClassifier()
                  + "' version "
                  + version.getVersion()
                  + " refused ("
                  + ModelAlerts.EMBEDDING_UNAVAILABLE
                  + "): cannot load embedding network "
                  + version.getEmbeddingModelId()
                  + ": "
                  + e.getMessage()));
    }
  }

  /** The model stream ended: nothing more can arrive on it, so there is nothing to wait for. */
  @Override
  public void endInput(int inputId) throws Exception {
    if (inputId == 2) {
      release();
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    // Nothing batched may cross the barrier; held events are in HELD_CONTENT, which is snapshotted.
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    emitRestoreAlerts();
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    try {
      cancelTimer();
      if (serving != null) {
        serving.close();
      }
      if (networks != null) {
        networks.close(); // releases this subtask's references to the shared networks
      }
    } finally {
      super.close();
    }
  }

  private void hold(StreamRecord<ContentEvent> element, long now) throws Exception {
    if (heldCount >= maxHeld) {
      throw new IllegalStateException(
          String.format(
              "%d content events arrived before the model stream caught up with what the models"
                  + " topic held at the start; refusing to hold more. Is the model reader stuck"
                  + " (Kafka, schema registry)? Accepted so far: %s",
              heldCount,
              serving.all().stream().map(m -> m.classifier() + " v" + m.number()).toList()));
    }
    held.add(Tuple4.of(element.getValue(), now, element.getTimestamp(), element.hasTimestamp()));
    heldCount++;
  }

  /** Caught up: score the held events, in arrival order, then let content through. */
  private void release() throws Exception {
    if (caughtUp) {
      return;
    }
    caughtUp = true;
    List<Tuple4<ContentEvent, Long, Long, Boolean>> events = new ArrayList<>(heldCount);
    held.get().forEach(events::add);
    held.clear();
    heldCount = 0;
    LOG.info("Model stream caught up; scoring {} held content events", events.size());
    for (Tuple4<ContentEvent, Long, Long, Boolean> e : events) {
      enqueue(new PendingEvent(e.f0, e.f1, e.f2, e.f3));
    }
    flush(); // they have waited long enough
  }

  private int targetBatchSize() {
    return adaptive ? sizer.size() : maxBatchSize;
  }

  private void enqueue(PendingEvent event) {
    pending.add(event);
    if (pending.size() >= targetBatchSize()) {
      flush();
    } else if (pending.size() == 1) {
      flushTimer =
          getProcessingTimeService().registerTimer(event.arrivalMs() + maxWaitMs, time -> flush());
    }
  }

  private void flush() {
    cancelTimer();
    if (pending.isEmpty()) {
      return;
    }
    long busyFrom = System.nanoTime();
    long started = getProcessingTimeService().getCurrentProcessingTime();
    metrics.batchSize.update(pending.size());
    // Slices of texts of similar length, so that each slice is also one network call without
    // padding (the embedder buckets by token length inside a call; a slice is what it gets).
    List<PendingEvent> order = emitEvery > 1 && pending.size() > emitEvery ? byLength() : pending;
    for (int from = 0; from < order.size(); from += emitEvery) {
      List<PendingEvent> slice = order.subList(from, Math.min(order.size(), from + emitEvery));
      long sliceStart = getProcessingTimeService().getCurrentProcessingTime();
      List<ScoredEvent> scored = scorer.score(slice, serving, sliceStart);
      long now = getProcessingTimeService().getCurrentProcessingTime();
      for (ScoredEvent event : scored) {
        PendingEvent source = event.source();
        metrics.latencyMs.update(now - source.arrivalMs());
        for (Prediction prediction : event.predictions()) {
          output.collect(stamped(prediction, source));
        }
        output.collect(SCORED, stamped(event.scored(), source));
      }
    }
    metrics.inferenceMs.update(getProcessingTimeService().getCurrentProcessingTime() - started);
    sizer.scored(System.nanoTime() - busyFrom);
    pending.clear();
  }

  /** The pending events by text length (stable: arrival order among equal lengths). */
  private List<PendingEvent> byLength() {
    List<PendingEvent> sorted = new ArrayList<>(pending);
    sorted.sort(Comparator.comparingInt(p -> p.event().getText().length()));
    return sorted;
  }

  private void serve(ModelVersion version, Verdict verdict) {
    serving.swap(version, verdict.head());
    metrics.watch(version.getClassifier());
  }

  private ModelAlert alert(ModelVersion version, Verdict verdict) {
    return ModelAlerts.refused(
        version.getClassifier(),
        version.getVersion(),
        verdict.refusal(),
        verdict.message(),
        serving.versionOf(version.getClassifier()),
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
        getProcessingTimeService().getCurrentProcessingTime());
  }

  private void emitRestoreAlerts() {
    if (!restoreAlerts.isEmpty()) {
      restoreAlerts.forEach(a -> output.collect(ALERTS, new StreamRecord<>(a)));
      restoreAlerts.clear();
    }
  }

  private void cancelTimer() {
    if (flushTimer != null) {
      flushTimer.cancel(false);
      flushTimer = null;
    }
  }

  private static <T> StreamRecord<T> stamped(T value, PendingEvent source) {
    return source.hasTimestamp()
        ? new StreamRecord<>(value, source.timestamp())
        : new StreamRecord<>(value);
  }
}
