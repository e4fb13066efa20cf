package dev.sieve.activelearning.functions;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.schemas.Label;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * A label as decoded, still beside the raw record it came from, so that a label refused later (by
 * the join, or when outvoted) goes to the dead-letter topic with its original bytes and offset.
 * Internal to the job; a POJO whose label travels as Avro ({@link #TYPE}), never Kryo.
 */
public class DecodedLabel {

  /** Its type, spelled out so that the Avro field never depends on type-extraction heuristics. */
  public static final TypeInformation<DecodedLabel> TYPE =
      Types.POJO(
          DecodedLabel.class,
          Map.of(
              "raw",
              Types.POJO(KafkaRawRecord.class),
              "label",
              new AvroTypeInfo<>(Label.class),
              "receivedAtMs",
              Types.LONG));

  public KafkaRawRecord raw;
  public Label label;

  /** When the join first saw it (processing time): grace and vote expiry count from here. */
  public long receivedAtMs;

  public DecodedLabel() {}

  public DecodedLabel(KafkaRawRecord raw, Label label) {
    this.raw = raw;
    this.label = label;
  }

  /** The key of the join. */
  public static String contentIdOf(DecodedLabel decoded) {
    return decoded.label.getContentId();
  }

  @Override
  public String toString() {
    return "DecodedLabel[" + raw + " -> " + label + "]";
  }
}
