package dev.sieve.inference;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.functions.MicroBatchInferenceOperator;
import dev.sieve.inference.functions.ModelReaderFactory;
import dev.sieve.inference.functions.ModelRecordDecoder;
import dev.sieve.inference.functions.ModelUpdate;
import dev.sieve.inference.io.InferenceSinks;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.inference.runtime.SieveModelRuntime;
import dev.sieve.inference.scoring.ModelRuntime;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * inference-job: embeds every content event of {@code sieve.content} once and classifies it with
 * every classifier's current head, in micro-batches, writing one prediction per event and
 * classifier to {@code sieve.predictions} and the embedding with all scores to {@code
 * sieve.scored}; signed model versions from {@code sieve.models} are validated and hot-swapped, and
 * refusals go to {@code sieve.models.alerts}. See the module README.
 */
public final class InferenceJob {

  /** How long a content event may wait in a network buffer on its way to the operator. */
  public static final long CONTENT_BUFFER_TIMEOUT_MS = 1;

  public static final String JOB = "inference-job";

  static final TypeInformation<ContentEvent> CONTENT = new AvroTypeInfo<>(ContentEvent.class);
  static final TypeInformation<ModelUpdate> MODEL_UPDATE = ModelUpdate.TYPE;
  static final TypeInformation<Prediction> PREDICTION = new AvroTypeInfo<>(Prediction.class);

  private static final Logger LOG = LoggerFactory.getLogger(InferenceJob.class);

  private InferenceJob() {}

  public static void main(String[] args) throws Exception {
    InferenceConfig config = InferenceConfig.fromArgs(args); // fails fast, naming the bad argument
    LOG.info("Starting {} with {}", JOB, config.describe());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    defineKafkaJob(env, config);
    env.execute("sieve " + JOB);
  }

  /** The job as it runs in production: Kafka sources and sinks, the real model runtime. */
  public static void defineKafkaJob(StreamExecutionEnvironment env, InferenceConfig config) {
    JobEnvironment.configure(env, config.common(), config.describe());
    defineWorkflow(
        env,
        InferenceSources.content(config),
        InferenceSources.models(config),
        InferenceSinks.predictions(config),
        InferenceSinks.scored(config),
        InferenceSinks.alerts(config),
        config);
  }

  /** The workflow with the real model runtime of {@code config}. */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<ContentEvent, ?, ?> contentSource,
      Source<KafkaRawRecord, ?, ?> modelSource,
      Sink<Prediction> predictionSink,
      Sink<ScoredContent> scoredSink,
      Sink<ModelAlert> alertSink,
      InferenceConfig config) {
    defineWorkflow(
        env,
        contentSource,
        modelSource,
        predictionSink,
        scoredSink,
        alertSink,
        config,
        SieveModelRuntime.of(config));
  }

  /**
   * content + broadcast model versions → micro-batch inference → predictions; embeddings and scores
   * → scored; refused or malformed model versions → alerts.
   */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<ContentEvent, ?, ?> contentSource,
      Source<KafkaRawRecord, ?, ?> modelSource,
      Sink<Prediction> predictionSink,
      Sink<ScoredContent> scoredSink,
      Sink<ModelAlert> alertSink,
      InferenceConfig config,
      ModelRuntime runtime) {
    DataStream<ContentEvent> content =
        env.fromSource(contentSource, WatermarkStrategy.noWatermarks(), "Read content", CONTENT)
            .uid("content-source")
            // The source and the inference operator are separate tasks (the broadcast join keeps
            // them apart): at Flink's default of 100 ms an event waited ~50 ms in a network buffer
            // before the operator saw it, more than its inference. Flushed every millisecond,
            // full buffers still leave at once under load.
            .setBufferTimeout(CONTENT_BUFFER_TIMEOUT_MS);

    // One reader: the compacted topic is small, and each record is decoded (and alerted) once.
    // It also announces when it has caught up with the topic, and inference waits for that.
    SingleOutputStreamOperator<ModelUpdate> models =
        env.fromSource(
                modelSource,
                WatermarkStrategy.noWatermarks(),
                "Read models",
                Types.POJO(KafkaRawRecord.class))
            .uid("models-source")
            .setParallelism(1)
            .transform(
                "Decode model versions",
                ModelUpdate.TYPE,
                new ModelRecordDecoder(
                    ModelReaderFactory.viaRegistry(config.common().registry()),
                    InferenceSources.lastModelOffsets(config)))
            .uid("decode-models")
            .setParallelism(1);

    SingleOutputStreamOperator<Prediction> predictions =
        content
            .connect(models.broadcast())
            .transform(
                "Micro-batch inference",
                PREDICTION,
                MicroBatchInferenceOperator.latencyAware(
                    runtime,
                    config.batchMaxSize(),
                    config.batchMaxWait().toMillis(),
                    config.primarySubBatch()))
            .uid("micro-batch-inference");

    predictions.sinkTo(predictionSink).uid("predictions-sink").name("Write predictions");

    predictions
        .getSideOutput(MicroBatchInferenceOperator.SCORED)
        .sinkTo(scoredSink)
        .uid("scored-sink")
        .name("Write scored content");

    predictions
        .getSideOutput(MicroBatchInferenceOperator.ALERTS)
        .union(models.getSideOutput(ModelRecordDecoder.ALERTS))
        .sinkTo(alertSink)
        .uid("alerts-sink")
        .name("Write model alerts");
  }
}
