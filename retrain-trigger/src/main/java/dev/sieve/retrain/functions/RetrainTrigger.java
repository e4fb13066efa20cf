package dev.sieve.retrain.functions;

import dev.sieve.learning.training.ChallengerTraining;
import dev.sieve.learning.training.CrossValidation;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersionValidator;
import dev.sieve.model.TrustedKeys;
import dev.sieve.model.Validation;
import dev.sieve.model.VersionReason;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per classifier (the key): keeps the labelled examples, the champion and the trigger bookkeeping
 * in keyed state, decides when to train, trains, and emits the signed next version when it is
 * published. Examples: one per content id, the latest {@code labeledAtMs} wins; at most {@code
 * maxExamples}, the oldest labels evicted first (old labels describe traffic that has moved on, and
 * the cap bounds a training's time). Triggers: every {@code retrainEvery} new labels, and every
 * {@link RetrainRequest}; at least {@code minIntervalMs} between trainings, a trigger inside the
 * interval being remembered and served by a processing-time timer. No training happens before a
 * champion (at least the zero-shot version) is known: it names the labels, the embedding network
 * and the version to follow. A champion read from {@code sieve.models} is verified first with the
 * same {@link ModelVersionValidator} the inference job uses (bounds, digest, Ed25519 signature over
 * the whole version, by a trusted key) before anything of it is kept or loaded: an unverified
 * record is ignored, counted and reported as a {@link ModelAlert} on {@link #ALERTS}.
 *
 * <p>Training runs synchronously here, on the task thread, so a checkpoint barrier waits for at
 * most the training in progress: the example cap keeps one training to a few seconds (10,000
 * examples with 5-fold CV: 3.5–9 s on two cores), and the interval keeps them rare. A published
 * version becomes the champion at once; its copy read back from {@code sieve.models} (version ≤
 * champion) is ignored.
 */
public class RetrainTrigger extends KeyedProcessFunction<String, RetrainInput, ModelVersion> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RetrainTrigger.class);

  // State names are part of savepoints: never rename.
  // The examples' own state is in LabelledExamples.
  public static final ValueStateDescriptor<Integer> NEW_LABELS =
      new ValueStateDescriptor<>("new-labels", Types.INT);
  public static final ValueStateDescriptor<ModelVersion> CHAMPION =
      new ValueStateDescriptor<>("champion", new AvroTypeInfo<>(ModelVersion.class));
  public static final ValueStateDescriptor<Long> LAST_TRAINING =
      new ValueStateDescriptor<>("last-training-ms", Types.LONG);
  public static final ValueStateDescriptor<String> PENDING =
      new ValueStateDescriptor<>("pending-trigger", Types.STRING);
  public static final ValueStateDescriptor<Long> TIMER =
      new ValueStateDescriptor<>("pending-timer-ms", Types.LONG);

  /** The trigger of a training started by {@code retrainEvery} new labels. */
  public static final String NEW_LABELS_TRIGGER = "new-labels";

  public static final String LABELS = "labels";
  public static final String TRAININGS = "trainings";
  public static final String PUBLISHED = "published";
  public static final String NOT_PUBLISHED = "notPublished";
  public static final String FAILED = "trainingFailures";
  public static final String SKIPPED = "trainingsSkipped";
  public static final String EVICTED = "evictedExamples";
  public static final String REFUSED = "refusedChampions";

  /** Model versions refused as champions, for {@code sieve.models.alerts}. */
  public static final OutputTag<ModelAlert> ALERTS =
      new OutputTag<>("refused-champions", new AvroTypeInfo<>(ModelAlert.class));

  private final ChallengerTraining training;
  private final int retrainEvery;
  private final long minIntervalMs;
  private final int maxExamples;
  private final TrustedKeys trustedKeys;
  private final ModelBounds bounds;

  private transient LabelledExamples examples;
  private transient ValueState<Integer> newLabels;
  private transient ValueState<ModelVersion> champion;
  private transient ValueState<Long> lastTraining;
  private transient ValueState<String> pending;
  private transient ValueState<Long> timer;
  private transient Counter labels;
  private transient Counter trainings;
  private transient Counter published;
  private transient Counter notPublished;
  private transient Counter failed;
  private transient Counter skipped;
  private transient Counter evicted;
  private transient Counter refused;
  private transient ModelVersionValidator validator;

  public RetrainTrigger(
      ChallengerTraining training,
      int retrainEvery,
      long minIntervalMs,
      int maxExamples,
      TrustedKeys trustedKeys,
      ModelBounds bounds) {
    this.training = training;
    this.retrainEvery = retrainEvery;
    this.minIntervalMs = minIntervalMs;
    this.maxExamples = maxExamples;
    this.trustedKeys = java.util.Objects.requireNonNull(trustedKeys, "trustedKeys");
    this.bounds = java.util.Objects.requireNonNull(bounds, "bounds");
  }

  @Override
  public void open(OpenContext openContext) {
    newLabels = getRuntimeContext().getState(NEW_LABELS);
    champion = getRuntimeContext().getState(CHAMPION);
    lastTraining = getRuntimeContext().getState(LAST_TRAINING);
    pending = getRuntimeContext().getState(PENDING);
    timer = getRuntimeContext().getState(TIMER);
    MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("sieve");
    labels = metrics.counter(LABELS);
    trainings = metrics.counter(TRAININGS);
    published = metrics.counter(PUBLISHED);
    notPublished = metrics.counter(NOT_PUBLISHED);
    failed = metrics.counter(FAILED);
    skipped = metrics.counter(SKIPPED);
    evicted = metrics.counter(EVICTED);
    refused = metrics.counter(REFUSED);
    validator = ModelVersionValidator.signaturesOnly(trustedKeys, bounds);
    training.open();
    examples = new LabelledExamples(getRuntimeContext(), maxExamples, evicted);
  }

  @Override
  public void close() throws Exception {
    training.close();
    super.close();
  }

  @Override
  public void processElement(RetrainInput in, Context ctx, Collector<ModelVersion> out)
      throws Exception {
    if (in.getExample() != null) {
      labels.inc();
      if (examples.keep(in.getExample(), ctx.timerService().currentProcessingTime())) {
        int n = count(newLabels) + 1;
        newLabels.update(n);
        if (n >= retrainEvery) {
          trigger(NEW_LABELS_TRIGGER, ctx, out);
        }
      }
    } else if (in.getRequest() != null) {
      trigger(describe(in.getRequest()), ctx, out);
    } else {
      ModelVersion current = champion.value();
      if (current != null && in.getModel().getVersion() <= current.getVersion()) {
        return; // our own publication read back, or an older version
      }
      Validation verified = validator.verify(in.getModel());
      if (!verified.ok()) {
        refused.inc();
        LOG.warn("{}: ignoring a model version as champion: {}", ctx.getCurrentKey(), verified);
        ctx.output(
            ALERTS,
            ModelAlert.newBuilder()
                .setClassifier(in.getModel().getClassifier())
                .setVersion(in.getModel().getVersion())
                .setReason(verified.refusal().orElseThrow().name())
                .setMessage("retrain-trigger: " + verified.message())
                .setServingVersion(current == null ? null : current.getVersion())
                .setSubtask(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask())
                .setDetectedAtMs(ctx.timerService().currentProcessingTime())
                .build());
        return;
      }
      champion.update(in.getModel());
      if (pending.value() != null || count(newLabels) >= retrainEvery) {
        String waiting = pending.value();
        trigger(waiting != null ? waiting : NEW_LABELS_TRIGGER, ctx, out);
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelVersion> out)
      throws Exception {
    timer.clear();
    String waiting = pending.value();
    if (waiting != null) {
      trigger(waiting, ctx, out);
    }
  }

  /** Trains now if a champion exists and the interval allows; otherwise remembers the trigger. */
  private void trigger(String why, Context ctx, Collector<ModelVersion> out) throws Exception {
    ModelVersion current = champion.value();
    long now = ctx.timerService().currentProcessingTime();
    Long last = lastTraining.value();
    if (current == null || (last != null && now < last + minIntervalMs)) {
      pending.update(why);
      if (current != null && timer.value() == null) {
        timer.update(last + minIntervalMs);
        ctx.timerService().registerProcessingTimeTimer(last + minIntervalMs);
      }
      return;
    }
    Long armed = timer.value();
    if (armed != null) {
      ctx.timerService().deleteProcessingTimeTimer(armed);
      timer.clear();
    }
    pending.clear();
    newLabels.update(0);
    lastTraining.update(now);
    train(current, why, now, ctx.getCurrentKey(), out);
  }

  private void train(
      ModelVersion current, String why, long now, String classifier, Collector<ModelVersion> out)
      throws Exception {
    LabelledSet set = examples.trainingSet(current);
    for (int n : set.classCounts()) {
      if (n < CrossValidation.MIN_EXAMPLES_PER_CLASS) {
        skipped.inc();
        LOG.info(
            "{}: not training on {}: fewer than {} examples of a class",
            classifier,
            set,
            CrossValidation.MIN_EXAMPLES_PER_CLASS);
        return;
      }
    }
    trainings.inc();
    ChallengerTraining.Result result;
    try {
      result = training.train(set, current, why, now);
    } catch (RuntimeException e) {
      failed.inc();
      LOG.warn("{}: training on {} failed; the champion keeps serving", classifier, set, e);
      return;
    }
    if (result.published() == null) {
      notPublished.inc();
      LOG.info("{}: challenger not published ({}): {}", classifier, why, result.decision());
      return;
    }
    champion.update(result.published());
    published.inc();
    LOG.info(
        "{}: publishing version {} ({}): {}",
        classifier,
        result.published().getVersion(),
        why,
        result.decision());
    out.collect(result.published());
  }

  /**
   * {@code drift}, {@code manual}…, with the request's detail when it has one ({@link
   * VersionReason}).
   */
  private static String describe(RetrainRequest request) {
    return VersionReason.trigger(request.getReason(), request.getDetail());
  }

  private static int count(ValueState<Integer> state) throws Exception {
    Integer n = state.value();
    return n == null ? 0 : n;
  }
}
