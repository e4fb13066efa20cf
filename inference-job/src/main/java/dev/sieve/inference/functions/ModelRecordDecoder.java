package dev.sieve.inference.functions;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.inference.scoring.ModelAlerts;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes records of the compacted {@code sieve.models} topic into {@link ModelVersion}s. A record
 * that is not one becomes a {@code MALFORMED_RECORD} {@link ModelAlert} on the {@link #ALERTS}
 * side output, because one bad record on a compacted topic would otherwise fail (and endlessly
 * restart) every fresh start of the job. Tombstones are skipped: deleting a classifier is not a
 * model update. A schema registry outage does fail the task, on purpose, so Flink retries.
 */
public class ModelRecordDecoder extends ProcessFunction<KafkaRawRecord, ModelVersion> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<ModelAlert> ALERTS =
      new OutputTag<>("malformed-model-records", new AvroTypeInfo<>(ModelAlert.class));

  private final ModelReaderFactory readers;

  private transient Function<byte[], ModelVersion> reader;
  private transient Counter malformed;
  private transient Counter tombstones;

  public ModelRecordDecoder(ModelReaderFactory readers) {
    this.readers = Objects.requireNonNull(readers, "readers");
  }

  @Override
  public void open(OpenContext openContext) {
    reader = readers.create();
    malformed = getRuntimeContext().getMetricGroup().addGroup("sieve").counter("malformedModels");
    tombstones = getRuntimeContext().getMetricGroup().addGroup("sieve").counter("tombstones");
  }

  @Override
  public void processElement(KafkaRawRecord raw, Context ctx, Collector<ModelVersion> out) {
    if (raw.getValue() == null) {
      tombstones.inc();
      return;
    }
    try {
      out.collect(reader.apply(raw.getValue()));
    } catch (AvroDecodeException e) {
      malformed.inc();
      ctx.output(
          ALERTS,
          ModelAlerts.refused(
              raw.getKey() == null
                  ? ModelAlerts.UNKNOWN_CLASSIFIER
                  : new String(raw.getKey(), StandardCharsets.UTF_8),
              ModelAlerts.UNKNOWN_VERSION,
              ModelAlerts.MALFORMED_RECORD,
              "not a ModelVersion at " + raw + ": " + e.getMessage(),
              null,
              getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
              ctx.timerService().currentProcessingTime()));
    }
  }
}
