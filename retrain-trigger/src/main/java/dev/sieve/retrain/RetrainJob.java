package dev.sieve.retrain;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.learning.candidates.CandidateRetraining;
import dev.sieve.learning.training.ChallengerTraining;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.functions.RetrainInput;
import dev.sieve.retrain.functions.RetrainTrigger;
import dev.sieve.retrain.io.RetrainSinks;
import dev.sieve.retrain.io.RetrainSources;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
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
 * retrain-trigger: keeps each classifier's labelled examples from {@code sieve.labelled} in keyed
 * state, trains a challenger every N new labels or on a {@code sieve.retrain.requests} request (at
 * most once per interval), compares it with the champion read from {@code sieve.models} by
 * cross-validation on the same folds, and publishes the signed next version to {@code sieve.models}
 * only when it is better by the margin or the label set changed. See the module README.
 */
public final class RetrainJob {

  public static final String JOB = "retrain-trigger";

  static final TypeInformation<LabelledExample> LABELLED =
      new AvroTypeInfo<>(LabelledExample.class);
  static final TypeInformation<RetrainRequest> REQUEST = new AvroTypeInfo<>(RetrainRequest.class);
  static final TypeInformation<ModelVersion> MODEL = new AvroTypeInfo<>(ModelVersion.class);

  private static final Logger LOG = LoggerFactory.getLogger(RetrainJob.class);

  private RetrainJob() {}

  public static void main(String[] args) throws Exception {
    RetrainConfig config = RetrainConfig.fromArgs(args); // fails fast, naming the bad argument
    LOG.info("Starting {} with {}", JOB, config.describe());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    defineKafkaJob(env, config);
    env.execute("sieve " + JOB);
  }

  /** The job as it runs in production: Kafka sources and sink, the real training. */
  public static void defineKafkaJob(StreamExecutionEnvironment env, RetrainConfig config) {
    JobEnvironment.configure(env, config.common(), config.describe());
    defineWorkflow(
        env,
        RetrainSources.labelled(config),
        RetrainSources.requests(config),
        RetrainSources.models(config),
        RetrainSinks.models(config),
        RetrainSinks.alerts(config),
        config,
        new CandidateRetraining(
            config.publishMargin(),
            config.signingKey(),
            config.minThroughput(),
            config.candidateNetworks()));
  }

  /**
   * labelled examples + retrain requests + model versions → keyed by classifier → retrain trigger
   * (state, triggers, training, decision) → published versions → {@code sieve.models}.
   */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<LabelledExample, ?, ?> labelledSource,
      Source<RetrainRequest, ?, ?> requestSource,
      Source<ModelVersion, ?, ?> modelSource,
      Sink<ModelVersion> modelSink,
      Sink<ModelAlert> alertSink,
      RetrainConfig config,
      ChallengerTraining training) {
    DataStream<RetrainInput> examples =
        env.fromSource(labelledSource, WatermarkStrategy.noWatermarks(), "Read labelled", LABELLED)
            .uid("labelled-source")
            .map(RetrainInput::example, RetrainInput.TYPE)
            .uid("wrap-labelled")
            .name("Wrap labelled examples");
    DataStream<RetrainInput> requests =
        env.fromSource(requestSource, WatermarkStrategy.noWatermarks(), "Read requests", REQUEST)
            .uid("requests-source")
            .map(RetrainInput::request, RetrainInput.TYPE)
            .uid("wrap-requests")
            .name("Wrap retrain requests");
    DataStream<RetrainInput> models =
        env.fromSource(modelSource, WatermarkStrategy.noWatermarks(), "Read models", MODEL)
            .uid("models-source")
            .map(RetrainInput::model, RetrainInput.TYPE)
            .uid("wrap-models")
            .name("Wrap model versions");

    SingleOutputStreamOperator<ModelVersion> published =
        examples
            .union(requests, models)
            .keyBy(RetrainInput::classifierOf, Types.STRING)
            .process(
                new RetrainTrigger(
                    training,
                    config.retrainEvery(),
                    config.minRetrainInterval().toMillis(),
                    config.maxExamples(),
                    config.trustedKeys(),
                    config.bounds()),
                MODEL)
            .uid("retrain-trigger")
            .name("Retrain trigger");
    published.sinkTo(modelSink).uid("models-sink").name("Write model versions");
    published
        .getSideOutput(RetrainTrigger.ALERTS)
        .sinkTo(alertSink)
        .uid("alerts-sink")
        .name("Write refused champions");
  }
}
