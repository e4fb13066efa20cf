package dev.sieve.activelearning.functions;

import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records of {@code sieve.labels} (written by labelers, i.e. by other people's code)
 * into labels; a record that is not a Confluent-framed {@link Label} with a content id, classifier,
 * label and labeler goes to {@link #DEAD_LETTERS} with its reason and original bytes. A schema
 * registry outage is not the record's fault: it fails the task, so Flink retries from the last
 * checkpoint instead of dead-lettering good labels.
 */
public class LabelDecoder extends ProcessFunction<KafkaRawRecord, DecodedLabel> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("undecodable-labels", new AvroTypeInfo<>(DeadLetter.class));

  private final String jobName;
  private final LabelReaderFactory readers;

  private transient LabelReaderFactory.LabelReader reader;
  private transient RefusalCounters refused;

  public LabelDecoder(String jobName, LabelReaderFactory readers) {
    this.jobName = Objects.requireNonNull(jobName, "jobName");
    this.readers = Objects.requireNonNull(readers, "readers");
  }

  @Override
  public void open(OpenContext openContext) {
    reader = readers.create();
    refused = new RefusalCounters(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(KafkaRawRecord raw, Context ctx, Collector<DecodedLabel> out) {
    byte[] value = raw.getValue();
    if (value == null) {
      refuse(raw, LabelRejectReason.TOMBSTONE, "the record value is null (a tombstone)", ctx);
      return;
    }
    Label label;
    try {
      label = reader.read(value);
    } catch (AvroDecodeException e) {
      refuse(raw, reasonOf(e), e.getMessage(), ctx);
      return;
    }
    LabelRejectReason blank = blankField(label);
    if (blank != null) {
      refuse(raw, blank, "the label's " + fieldName(blank) + " is blank", ctx);
      return;
    }
    out.collect(new DecodedLabel(raw, label));
  }

  private void refuse(KafkaRawRecord raw, LabelRejectReason reason, String message, Context ctx) {
    refused.inc(reason);
    ctx.output(
        DEAD_LETTERS,
        DeadLetters.of(
            raw, reason.name(), message, jobName, ctx.timerService().currentProcessingTime()));
  }

  static LabelRejectReason reasonOf(AvroDecodeException e) {
    return switch (e.reason()) {
      case BAD_MAGIC_BYTE -> LabelRejectReason.BAD_MAGIC_BYTE;
      case UNKNOWN_SCHEMA_ID -> LabelRejectReason.UNKNOWN_SCHEMA_ID;
      case WRONG_RECORD_TYPE -> LabelRejectReason.WRONG_RECORD_TYPE;
      case TOO_SHORT, TRUNCATED -> LabelRejectReason.TRUNCATED_AVRO;
      case MALFORMED_AVRO -> LabelRejectReason.MALFORMED_AVRO;
    };
  }

  private static LabelRejectReason blankField(Label label) {
    if (isBlank(label.getContentId())) {
      return LabelRejectReason.EMPTY_CONTENT_ID;
    }
    if (isBlank(label.getClassifier())) {
      return LabelRejectReason.EMPTY_CLASSIFIER;
    }
    if (isBlank(label.getLabel())) {
      return LabelRejectReason.EMPTY_LABEL;
    }
    if (isBlank(label.getLabeler())) {
      return LabelRejectReason.EMPTY_LABELER;
    }
    return null;
  }

  private static String fieldName(LabelRejectReason reason) {
    return switch (reason) {
      case EMPTY_CONTENT_ID -> "content id";
      case EMPTY_CLASSIFIER -> "classifier";
      case EMPTY_LABEL -> "label";
      default -> "labeler";
    };
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
