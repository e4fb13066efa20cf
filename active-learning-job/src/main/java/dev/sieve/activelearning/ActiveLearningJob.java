package dev.sieve.activelearning;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.functions.Curator;
import dev.sieve.activelearning.functions.DecodedLabel;
import dev.sieve.activelearning.functions.JoinedLabel;
import dev.sieve.activelearning.functions.LabelDecoder;
import dev.sieve.activelearning.functions.LabelJoin;
import dev.sieve.activelearning.functions.LabelReaderFactory;
import dev.sieve.activelearning.functions.ScoredItem;
import dev.sieve.activelearning.functions.SplitByClassifier;
import dev.sieve.activelearning.io.ActiveLearningSinks;
import dev.sieve.activelearning.io.ActiveLearningSources;
import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.ScoredContent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
 * active-learning-job: reads every classifier's predictions with the content's embedding from
 * {@code sieve.scored} and the labelers' answers from {@code sieve.labels}; asks humans about the
 * predictions worth a label under a budget ({@code sieve.labeling.requests}), joins labels with the
 * content they are about ({@code sieve.labelled}, refusals to {@code sieve.labels.dlq}), tracks
 * each model version's live accuracy ({@code sieve.accuracy}) and watches for drift ({@code
 * sieve.drift}, every drift window's statistics on {@code sieve.drift.windows}, and {@code
 * sieve.retrain.requests}). See the module README.
 */
public final class ActiveLearningJob {

  /** Written to {@code DeadLetter.job}. */
  public static final String JOB = "active-learning-job";

  static final TypeInformation<ScoredContent> SCORED = new AvroTypeInfo<>(ScoredContent.class);
  static final TypeInformation<LabelRequest> REQUEST = new AvroTypeInfo<>(LabelRequest.class);
  static final TypeInformation<ScoredItem> ITEM = Types.POJO(ScoredItem.class);
  static final TypeInformation<JoinedLabel> JOINED = Types.POJO(JoinedLabel.class);

  private static final Logger LOG = LoggerFactory.getLogger(ActiveLearningJob.class);

  private ActiveLearningJob() {}

  public static void main(String[] args) throws Exception {
    ActiveLearningConfig config = ActiveLearningConfig.fromArgs(args); // fails fast, names the key
    LOG.info("Starting {} with {}", JOB, config.describe());

    Configuration flink = new Configuration();
    flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb"); // a day of content outgrows the heap
    flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    defineKafkaJob(env, config);
    env.execute("sieve " + JOB);
  }

  /** The job as it runs in production: Kafka sources and sinks. Also used by the CLI. */
  public static void defineKafkaJob(StreamExecutionEnvironment env, ActiveLearningConfig config) {
    JobEnvironment.configure(env, config.common(), config.describe());
    defineWorkflow(
        env,
        ActiveLearningSources.scored(config),
        ActiveLearningSources.labels(config),
        ActiveLearningSinks.kafka(config),
        config);
  }

  /**
   * scored content + decoded labels → keyed by content id → label join (content kept in state);
   * scored content split per classifier + joined labels → keyed by classifier → curator (selection,
   * labelled examples, live accuracy, drift alerts and windows) → seven topics.
   */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<ScoredContent, ?, ?> scoredSource,
      Source<KafkaRawRecord, ?, ?> labelSource,
      ActiveLearningSinks sinks,
      ActiveLearningConfig config) {
    DataStream<ScoredContent> scored =
        env.fromSource(scoredSource, WatermarkStrategy.noWatermarks(), "Read scored", SCORED)
            .uid("scored-source");

    SingleOutputStreamOperator<DecodedLabel> labels =
        env.fromSource(
                labelSource,
                WatermarkStrategy.noWatermarks(),
                "Read labels",
                Types.POJO(KafkaRawRecord.class))
            .uid("labels-source")
            .process(
                new LabelDecoder(JOB, LabelReaderFactory.viaRegistry(config.common().registry())),
                DecodedLabel.TYPE)
            .uid("decode-labels")
            .name("Decode labels");

    SingleOutputStreamOperator<JoinedLabel> joined =
        scored
            .keyBy(ScoredContent::getContentId, Types.STRING)
            .connect(labels.keyBy(DecodedLabel::contentIdOf, Types.STRING))
            .process(
                new LabelJoin(JOB, config.contentTtl(), config.labelGrace(), config.voteResolver()),
                JOINED)
            .uid("label-join")
            .name("Join labels with content");

    DataStream<ScoredItem> items =
        scored
            .flatMap(new SplitByClassifier(), ITEM)
            .uid("split-by-classifier")
            .name("Split by classifier");

    SingleOutputStreamOperator<LabelRequest> requests =
        items
            .keyBy(ScoredItem::classifierOf, Types.STRING)
            .connect(joined.keyBy(JoinedLabel::classifierOf, Types.STRING))
            .process(
                new Curator(
                    config.selection(),
                    config.drift(),
                    config.duplicateMemory(),
                    config.contentTtl()),
                REQUEST)
            .uid("curator")
            .name("Select, account and watch for drift");

    requests.sinkTo(sinks.requests()).uid("requests-sink").name("Write labeling requests");
    requests
        .getSideOutput(Curator.LABELLED)
        .sinkTo(sinks.labelled())
        .uid("labelled-sink")
        .name("Write labelled examples");
    requests
        .getSideOutput(Curator.ACCURACY)
        .sinkTo(sinks.accuracy())
        .uid("accuracy-sink")
        .name("Write live accuracy");
    requests
        .getSideOutput(Curator.DRIFT)
        .sinkTo(sinks.drift())
        .uid("drift-sink")
        .name("Write drift alerts");
    requests
        .getSideOutput(Curator.DRIFT_WINDOWS)
        .sinkTo(sinks.driftWindows())
        .uid("drift-windows-sink")
        .name("Write drift windows");
    requests
        .getSideOutput(Curator.RETRAIN)
        .sinkTo(sinks.retrain())
        .uid("retrain-sink")
        .name("Write retrain requests");
    labels
        .getSideOutput(LabelDecoder.DEAD_LETTERS)
        .union(joined.getSideOutput(LabelJoin.DEAD_LETTERS))
        .sinkTo(sinks.deadLetters())
        .uid("dead-letter-sink")
        .name("Write labels.dlq");
  }
}
