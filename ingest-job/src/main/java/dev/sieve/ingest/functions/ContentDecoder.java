package dev.sieve.ingest.functions;

import dev.sieve.core.content.Checked;
import dev.sieve.core.content.RawContentDecoder;
import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records of {@code sieve.content.raw} (Confluent-framed Avro or JSON) into content
 * events; anything that is not one goes to the {@link #DEAD_LETTERS} side output with its reason
 * and original bytes. A record never fails the job here; a schema registry outage does, on purpose,
 * so that Flink retries from the last checkpoint rather than dead-lettering good data.
 */
public class ContentDecoder extends ProcessFunction<KafkaRawRecord, DecodedContent> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("undecodable-content", new AvroTypeInfo<>(DeadLetter.class));

  private final String jobName;
  private final AvroReaderFactory avroReaders;

  private transient RawContentDecoder decoder;
  private transient RejectionCounters rejected;

  public ContentDecoder(String jobName, AvroReaderFactory avroReaders) {
    this.jobName = Objects.requireNonNull(jobName, "jobName");
    this.avroReaders = Objects.requireNonNull(avroReaders, "avroReaders");
  }

  @Override
  public void open(OpenContext openContext) {
    decoder = new RawContentDecoder(avroReaders.create());
    rejected = new RejectionCounters(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(KafkaRawRecord raw, Context ctx, Collector<DecodedContent> out) {
    Checked<ContentEvent> decoded = decoder.decode(raw.getValue());
    if (decoded.isOk()) {
      out.collect(new DecodedContent(raw, decoded.value()));
    } else {
      rejected.inc(decoded.reason());
      ctx.output(
          DEAD_LETTERS,
          DeadLetters.of(
              raw,
              decoded.reason().name(),
              decoded.message(),
              jobName,
              ctx.timerService().currentProcessingTime()));
    }
  }
}
