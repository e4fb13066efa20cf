package dev.sieve.ingest.functions;

import dev.sieve.core.content.Checked;
import dev.sieve.core.content.ContentNormalizer;
import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Validates and normalises decoded content events (see {@link ContentNormalizer}: id present, text
 * within the hard cap and not empty, NFC, control characters, trimming, soft-cap truncation).
 * Rejections go to the {@link #DEAD_LETTERS} side output with the original bytes.
 */
public class ContentValidator extends ProcessFunction<DecodedContent, ContentEvent> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("invalid-content", new AvroTypeInfo<>(DeadLetter.class));

  private final String jobName;
  private final ContentNormalizer normalizer;

  private transient RejectionCounters rejected;

  public ContentValidator(String jobName, ContentNormalizer normalizer) {
    this.jobName = Objects.requireNonNull(jobName, "jobName");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
  }

  @Override
  public void open(OpenContext openContext) {
    rejected = new RejectionCounters(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(DecodedContent decoded, Context ctx, Collector<ContentEvent> out) {
    Checked<ContentEvent> checked =
        normalizer.normalize(decoded.getEvent(), decoded.getRaw().getTimestamp());
    if (checked.isOk()) {
      out.collect(checked.value());
    } else {
      rejected.inc(checked.reason());
      ctx.output(
          DEAD_LETTERS,
          DeadLetters.of(
              decoded.getRaw(),
              checked.reason().name(),
              checked.message(),
              jobName,
              ctx.timerService().currentProcessingTime()));
    }
  }
}
