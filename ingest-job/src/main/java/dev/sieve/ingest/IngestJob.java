package dev.sieve.ingest;

import dev.sieve.core.content.ContentNormalizer;
import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.functions.AvroReaderFactory;
import dev.sieve.ingest.functions.ContentDecoder;
import dev.sieve.ingest.functions.ContentValidator;
import dev.sieve.ingest.functions.DecodedContent;
import dev.sieve.ingest.functions.Deduplicator;
import dev.sieve.ingest.io.IngestSinks;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingest-job: reads {@code sieve.content.raw} (Confluent-framed Avro or JSON), decodes, validates,
 * normalises and de-duplicates content events, and writes them to {@code sieve.content}; every
 * rejected record goes to {@code sieve.content.dlq} with its reason and original bytes. See the
 * module README for the reason codes, configuration and delivery guarantees.
 */
public final class IngestJob {

  /** Written to {@code DeadLetter.job}. */
  public static final String JOB = "ingest-job";

  static final TypeInformation<ContentEvent> CONTENT = new AvroTypeInfo<>(ContentEvent.class);

  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  private IngestJob() {}

  public static void main(String[] args) throws Exception {
    IngestConfig config = IngestConfig.fromArgs(args); // fails fast, naming the bad argument
    LOG.info("Starting {} with {}", JOB, config.describe());

    Configuration flink = new Configuration();
    flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb"); // dedup state outgrows the heap
    flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    defineKafkaJob(env, config);
    env.execute("sieve " + JOB);
  }

  /**
   * The job as it runs in production, on {@code env}: Kafka source and sinks from {@code config}.
   * Used by {@link #main} and by the CLI, which submits it to its own MiniCluster.
   */
  public static void defineKafkaJob(StreamExecutionEnvironment env, IngestConfig config) {
    JobEnvironment.configure(env, config.common(), config.describe());
    defineWorkflow(
        env,
        KafkaSources.rawRecords(config.common(), config.inputTopic()),
        IngestSinks.content(config),
        IngestSinks.deadLetters(config),
        config);
  }

  /** source → decode → validate and normalise → de-duplicate → sieve.content; rejects → DLQ. */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<KafkaRawRecord, ?, ?> source,
      Sink<ContentEvent> contentSink,
      Sink<DeadLetter> deadLetterSink,
      IngestConfig config) {
    DataStream<KafkaRawRecord> raw =
        env.fromSource(
                source,
                WatermarkStrategy.noWatermarks(),
                "Read content.raw",
                Types.POJO(KafkaRawRecord.class))
            .uid("content-raw-source");

    SingleOutputStreamOperator<DecodedContent> decoded =
        raw.process(
                new ContentDecoder(JOB, AvroReaderFactory.viaRegistry(config.common().registry())),
                DecodedContent.TYPE)
            .uid("decode")
            .name("Decode Avro or JSON");

    SingleOutputStreamOperator<ContentEvent> valid =
        decoded
            .process(
                new ContentValidator(
                    JOB, new ContentNormalizer(config.softCapChars(), config.hardCapChars())),
                CONTENT)
            .uid("validate")
            .name("Validate and normalise");

    DataStream<ContentEvent> unique =
        valid
            .keyBy(ContentEvent::getId, Types.STRING)
            .process(new Deduplicator(config.dedupTtl()), CONTENT)
            .uid("deduplicate")
            .name("De-duplicate by id");

    unique.sinkTo(contentSink).uid("content-sink").name("Write content");

    decoded
        .getSideOutput(ContentDecoder.DEAD_LETTERS)
        .union(valid.getSideOutput(ContentValidator.DEAD_LETTERS))
        .sinkTo(deadLetterSink)
        .uid("dead-letter-sink")
        .name("Write content.dlq");
  }
}
