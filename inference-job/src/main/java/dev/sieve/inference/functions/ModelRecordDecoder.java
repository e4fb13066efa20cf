package dev.sieve.inference.functions;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.inference.scoring.ModelAlerts;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Decodes records of the compacted {@code sieve.models} topic into {@link ModelUpdate}s, and tells
 * the inference operator when the model stream has caught up. A record that is not a {@link
 * ModelVersion} becomes a {@code MALFORMED_RECORD} {@link ModelAlert} on the {@link #ALERTS} side
 * output, because one bad record on a compacted topic would otherwise fail (and endlessly restart)
 * every fresh start of the job. The alert names the classifier by the record's key, cut to {@value
 * #MAX_CLASSIFIER_CHARS} characters: the alert is keyed by it too, and a key of any size would
 * otherwise make an alert too big for one Kafka record. Tombstones are skipped: deleting a
 * classifier is not a model update. A schema registry outage does fail the task, on purpose, so
 * Flink retries.
 *
 * <p><b>Catch-up marker.</b> On a start the content and model sources race, and content scored
 * before a classifier's current version has been read would get no prediction for it. So {@link
 * #open} asks Kafka ({@link LastModelOffsets}) where each partition of the topic ends, and once a
 * record at or past that offset has gone by on every partition, this operator emits {@link
 * ModelUpdate#caughtUp()} after it, on the same (broadcast) stream; the inference operator holds
 * content until it arrives. Offsets already passed before a restore count (the read position per
 * partition is operator state), and an empty topic gives the marker at once. It runs at parallelism
 * 1, so the marker follows every version on every channel. An operator rather than a {@code
 * ProcessFunction}, because the "at once" case needs a processing-time timer outside a keyed
 * stream.
 */
public class ModelRecordDecoder extends AbstractStreamOperator<ModelUpdate>
    implements OneInputStreamOperator<KafkaRawRecord, ModelUpdate> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<ModelAlert> ALERTS =
      new OutputTag<>("malformed-model-records", new AvroTypeInfo<>(ModelAlert.class));

  /** Per partition, the offset after the last record read: where a restore resumes. */
  public static final ListStateDescriptor<Tuple2<Integer, Long>> POSITIONS =
      new ListStateDescriptor<>("model-topic-positions", Types.TUPLE(Types.INT, Types.LONG));

  /** The longest classifier name an alert repeats from a malformed record's key. */
  public static final int MAX_CLASSIFIER_CHARS = 256;

  private final ModelReaderFactory readers;
  private final LastModelOffsets lastOffsets;

  private transient Function<byte[], ModelVersion> reader;
  private transient Counter malformed;
  private transient Counter tombstones;
  private transient ListState<Tuple2<Integer, Long>> positionState;
  private transient Map<Integer, Long> positions;

  /** Partition → offset of its last record when this reader started, until it has gone by. */
  private transient Map<Integer, Long> awaited;

  private transient boolean announced;

  public ModelRecordDecoder(ModelReaderFactory readers, LastModelOffsets lastOffsets) {
    this.readers = Objects.requireNonNull(readers, "readers");
    this.lastOffsets = Objects.requireNonNull(lastOffsets, "lastOffsets");
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    positionState = context.getOperatorStateStore().getListState(POSITIONS);
    positions = new HashMap<>();
    for (Tuple2<Integer, Long> p : positionState.get()) {
      positions.merge(p.f0, p.f1, Math::max);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    reader = readers.create();
    malformed = getMetricGroup().addGroup("sieve").counter("malformedModels");
    tombstones = getMetricGroup().addGroup("sieve").counter("tombstones");
    awaited = new HashMap<>(lastOffsets.fetch()); // bounded; throws if Kafka does not answer
    awaited.entrySet().removeIf(e -> positions.getOrDefault(e.getKey(), 0L) > e.getValue());
    LOG.info("Model stream is caught up once these (partition=offset) have passed: {}", awaited);
    if (awaited.isEmpty()) {
      // Nothing to wait for, and maybe no record will ever come: announce from a timer, since an
      // operator must not emit from open().
      long now = getProcessingTimeService().getCurrentProcessingTime();
      getProcessingTimeService().registerTimer(now, time -> announceCaughtUp());
    }
  }

  @Override
  public void processElement(StreamRecord<KafkaRawRecord> element) {
    KafkaRawRecord raw = element.getValue();
    positions.merge(raw.getPartition(), raw.getOffset() + 1, Math::max);
    decode(element);
    Long last = awaited.get(raw.getPartition());
    if (last != null && raw.getOffset() >= last) {
      awaited.remove(raw.getPartition());
    }
    if (awaited.isEmpty()) {
      announceCaughtUp(); // after the version just read: the marker never overtakes one
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    List<Tuple2<Integer, Long>> out = new ArrayList<>();
    positions.forEach((partition, offset) -> out.add(Tuple2.of(partition, offset)));
    positionState.update(out);
  }

  private void decode(StreamRecord<KafkaRawRecord> element) {
    KafkaRawRecord raw = element.getValue();
    if (raw.getValue() == null) {
      tombstones.inc();
      return;
    }
    try {
      ModelVersion version = reader.apply(raw.getValue());
      output.collect(element.replace(ModelUpdate.of(version)));
    } catch (AvroDecodeException e) {
      malformed.inc();
      output.collect(
          ALERTS,
          new StreamRecord<>(
              ModelAlerts.refused(
                  classifierOf(raw.getKey()),
                  ModelAlerts.UNKNOWN_VERSION,
                  ModelAlerts.MALFORMED_RECORD,
                  "not a ModelVersion at " + raw + ": " + e.getMessage(),
                  null,
                  getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                  getProcessingTimeService().getCurrentProcessingTime())));
    }
  }

  /** The record key as a classifier name, cut past {@link #MAX_CLASSIFIER_CHARS}. */
  static String classifierOf(byte[] key) {
    if (key == null) {
      return ModelAlerts.UNKNOWN_CLASSIFIER;
    }
    String name = new String(key, StandardCharsets.UTF_8);
    if (name.length() <= MAX_CLASSIFIER_CHARS) {
      return name;
    }
    int end = MAX_CLASSIFIER_CHARS;
    if (Character.isHighSurrogate(name.charAt(end - 1))) {
      end--;
    }
    return name.substring(0, end) + "…";
  }

  private void announceCaughtUp() {
    if (!announced) {
      announced = true;
      output.collect(new StreamRecord<>(ModelUpdate.caughtUp()));
      LOG.info("Model stream caught up with {}", positions);
    }
  }
}
