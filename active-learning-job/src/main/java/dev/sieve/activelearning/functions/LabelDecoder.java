package dev.sieve.activelearning.functions;

import dev.sieve.core.content.ContentNormalizer;
import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records of {@code sieve.labels} (written by labelers, i.e. by other people's code)
 * into labels; a record that is not a Confluent-framed {@link Label} with a content id, classifier,
 * label and labeler, none blank nor over its cap, goes to {@link #DEAD_LETTERS} with its reason and
 * original bytes. The caps keep what a labeler writes from growing the join state, votes and {@code
 * sieve.labelled} without bound; lengths are Unicode code points. A schema registry outage is not
 * the record's fault: it fails the task, so Flink retries from the last checkpoint instead of
 * dead-lettering good labels.
 */
public class LabelDecoder extends ProcessFunction<KafkaRawRecord, DecodedLabel> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("undecodable-labels", new AvroTypeInfo<>(DeadLetter.class));

  /** The longest content id: ingest-job's cap, so a longer one cannot name any content. */
  public static final int MAX_CONTENT_ID_CHARS = ContentNormalizer.MAX_ID_CHARS;

  /** The longest classifier name: a name an operator chose, shown in reports and metrics. */
  public static final int MAX_CLASSIFIER_CHARS = 128;

  /** The longest label: one class name of a classifier. */
  public static final int MAX_LABEL_CHARS = 128;

  /** The longest labeler name: a person's or an oracle's name, an e-mail address (≤ 254). */
  public static final int MAX_LABELER_CHARS = 256;

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
    for (Field field : fields(label)) {
      if (isBlank(field.value())) {
        refuse(raw, field.blank(), "the label's " + field.name() + " is blank", ctx);
        return;
      }
      int length = field.value().codePointCount(0, field.value().length());
      if (length > field.cap()) {
        refuse(
            raw,
            field.tooLong(),
            "the label's "
                + field.name()
                + " has "
                + length
                + " characters, more than the cap of "
                + field.cap(),
            ctx);
        return;
      }
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

  /** The checked fields of a label, in the order their reasons are reported. */
  private static List<Field> fields(Label label) {
    return List.of(
        new Field(
            "content id",
            label.getContentId(),
            MAX_CONTENT_ID_CHARS,
            LabelRejectReason.EMPTY_CONTENT_ID,
            LabelRejectReason.CONTENT_ID_TOO_LONG),
        new Field(
            "classifier",
            label.getClassifier(),
            MAX_CLASSIFIER_CHARS,
            LabelRejectReason.EMPTY_CLASSIFIER,
            LabelRejectReason.CLASSIFIER_TOO_LONG),
        new Field(
            "label",
            label.getLabel(),
            MAX_LABEL_CHARS,
            LabelRejectReason.EMPTY_LABEL,
            LabelRejectReason.LABEL_TOO_LONG),
        new Field(
            "labeler",
            label.getLabeler(),
            MAX_LABELER_CHARS,
            LabelRejectReason.EMPTY_LABELER,
            LabelRejectReason.LABELER_TOO_LONG));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** One string field of a label, its cap, and the reasons for it being blank or too long. */
  private record Field(
      String name, String value, int cap, LabelRejectReason blank, LabelRejectReason tooLong) {}
}
