package dev.sieve.ingest.functions;

import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.schemas.ContentEvent;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * A content event as decoded, still beside the raw record it came from, so that the validator can
 * dead-letter it with the original bytes and offset. Internal to ingest-job, never written to
 * Kafka. A Flink POJO whose event is serialized by flink-avro (no Kryo).
 */
public class DecodedContent {

  /** Its type, spelled out so that the Avro field never depends on type-extraction heuristics. */
  public static final TypeInformation<DecodedContent> TYPE =
      Types.POJO(
          DecodedContent.class,
          Map.of(
              "raw",
              Types.POJO(KafkaRawRecord.class),
              "event",
              new AvroTypeInfo<>(ContentEvent.class)));

  private KafkaRawRecord raw;
  private ContentEvent event;

  public DecodedContent() {}

  public DecodedContent(KafkaRawRecord raw, ContentEvent event) {
    this.raw = raw;
    this.event = event;
  }

  public KafkaRawRecord getRaw() {
    return raw;
  }

  public void setRaw(KafkaRawRecord raw) {
    this.raw = raw;
  }

  public ContentEvent getEvent() {
    return event;
  }

  public void setEvent(ContentEvent event) {
    this.event = event;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodedContent that
        && Objects.equals(raw, that.raw)
        && Objects.equals(event, that.event);
  }

  @Override
  public int hashCode() {
    return Objects.hash(raw, event);
  }

  @Override
  public String toString() {
    return "DecodedContent[" + raw + " -> " + event + "]";
  }
}
