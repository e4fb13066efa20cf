package dev.sieve.activelearning.config;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.ConfigException;
import dev.sieve.core.config.JobArguments;
import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.labels.Resolution;
import dev.sieve.learning.labels.VoteResolver;
import dev.sieve.learning.selection.Diversity;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.UncertaintyMeasure;
import dev.sieve.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything active-learning-job is configured with, parsed once from the command line. Immutable.
 * Selection defaults come from {@link SelectionConfig#defaults()} and drift defaults from {@link
 * DriftConfig#defaults()}, which say why; the module README lists every flag.
 *
 * @param common Kafka, registry, delivery guarantee and checkpointing (see {@link CommonConfig})
 * @param contentTtl how long scored content (text, embedding, guesses) and the asked ids are kept
 *     for labels to join
 * @param labelGrace how long a label whose content is not (yet) known waits for it
 * @param resolution how conflicting labels are resolved
 * @param majorityOf k of a majority vote (used with {@link Resolution#MAJORITY})
 * @param selection what to ask humans about, under which budget
 * @param duplicateMemory embeddings remembered per classifier for near-duplicate suppression
 * @param drift the drift detectors' windows and thresholds
 */
public record ActiveLearningConfig(
    CommonConfig common,
    Duration contentTtl,
    Duration labelGrace,
    Resolution resolution,
    int majorityOf,
    SelectionConfig selection,
    int duplicateMemory,
    DriftConfig drift)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String JOB_NAME = "active-learning";

  public static final String CONTENT_TTL = "content-ttl";
  public static final String LABEL_GRACE = "label-grace";
  public static final String LABEL_RESOLUTION = "label-resolution";
  public static final String MAJORITY_OF = "majority-of";
  public static final String UNCERTAINTY = "uncertainty";
  public static final String DIVERSITY = "diversity";
  public static final String DIVERSITY_CLUSTERS = "diversity-clusters";
  public static final String DIVERSITY_WEIGHT = "diversity-weight";
  public static final String UNCERTAINTY_JITTER = "uncertainty-jitter";
  public static final String BUDGET_FRACTION = "budget-fraction";
  public static final String REQUESTS_PER_MINUTE = "requests-per-minute";
  public static final String RANDOM_SHARE = "random-share";
  public static final String DUPLICATE_SIMILARITY = "duplicate-similarity";
  public static final String RARE_CLASS_BOOST = "rare-class-boost";
  public static final String COLD_START_LABELS = "cold-start-labels";
  public static final String DUPLICATE_MEMORY = "duplicate-memory";
  public static final String DRIFT_BOOST_FACTOR = "drift-boost-factor";
  public static final String DRIFT_BOOST_EVENTS = "drift-boost-events";
  public static final String DRIFT_REFERENCE = "drift-reference";
  public static final String DRIFT_WINDOW = "drift-window";
  public static final String DRIFT_COOLDOWN = "drift-cooldown";
  public static final String DRIFT_CONFIDENCE_PSI = "drift-confidence-psi";
  public static final String DRIFT_CLASS_MIX_PSI = "drift-class-mix-psi";
  public static final String DRIFT_CENTROID_DISTANCE = "drift-centroid-distance";
  public static final String DRIFT_ERROR_DELTA = "drift-error-delta";
  public static final String DRIFT_ERROR_LAMBDA = "drift-error-lambda";

  /** A labeler answers within hours, not days; a day of content is also a bounded state. */
  public static final Duration DEFAULT_CONTENT_TTL = Duration.ofHours(24);

  /**
   * Labels and scored content come from different topics and producers, so a label can overtake the
   * content it answers by the inference job's output delay (up to a checkpoint interval with
   * exactly-once); 30 s covers a few checkpoints.
   */
  public static final Duration DEFAULT_LABEL_GRACE = Duration.ofSeconds(30);

  public static final Resolution DEFAULT_RESOLUTION = Resolution.FIRST;

  /** Three labelers: the smallest vote where one careless answer cannot decide. */
  public static final int DEFAULT_MAJORITY_OF = 3;

  /**
   * 2,000 MiniLM embeddings (3 MB in RocksDB per classifier): at the default 5 % budget, the last
   * 40,000 events' requests, enough to catch a burst of re-posts.
   */
  public static final int DEFAULT_DUPLICATE_MEMORY = 2_000;

  public ActiveLearningConfig {
    if (common == null || selection == null || drift == null || resolution == null) {
      throw new ConfigException("common, selection, drift and resolution are required");
    }
    if (contentTtl == null || contentTtl.isNegative() || contentTtl.isZero()) {
      throw new ConfigException("--" + CONTENT_TTL + " must be positive");
    }
    if (labelGrace == null || labelGrace.isNegative() || labelGrace.isZero()) {
      throw new ConfigException("--" + LABEL_GRACE + " must be positive");
    }
    if (majorityOf < 2) {
      throw new ConfigException("--" + MAJORITY_OF + " must be at least 2");
    }
    if (duplicateMemory < 1) {
      throw new ConfigException("--" + DUPLICATE_MEMORY + " must be at least 1");
    }
  }

  /** Parses the arguments of {@code main}; fails with a message naming any missing or bad key. */
  public static ActiveLearningConfig fromArgs(String... args) {
    return from(JobArguments.parse(args));
  }

  public static ActiveLearningConfig from(JobArguments args) {
    CommonConfig common = CommonConfig.from(args, JOB_NAME);
    Resolution resolution =
        Resolution.valueOf(
            args.oneOf(LABEL_RESOLUTION, "first", List.of("first", "majority"))
                .toUpperCase(Locale.ROOT));
    SelectionConfig d = SelectionConfig.defaults();
    SelectionConfig selection;
    DriftConfig drift;
    DriftConfig dd = DriftConfig.defaults();
    try {
      selection =
          new SelectionConfig(
              UncertaintyMeasure.valueOf(
                  args.oneOf(
                          UNCERTAINTY, "margin", List.of("margin", "entropy", "least-confidence"))
                      .toUpperCase(Locale.ROOT)
                      .replace('-', '_')),
              number(args, BUDGET_FRACTION, d.budgetFraction()),
              number(args, REQUESTS_PER_MINUTE, d.requestsPerMinute()),
              number(args, RANDOM_SHARE, d.randomShare()),
              number(args, DUPLICATE_SIMILARITY, d.duplicateSimilarity()),
              number(args, RARE_CLASS_BOOST, d.rareClassBoost()),
              args.intValue(COLD_START_LABELS, d.coldStartLabels(), 0),
              d.window(),
              number(args, DRIFT_BOOST_FACTOR, d.driftBoostFactor()),
              args.intValue(DRIFT_BOOST_EVENTS, d.driftBoostEvents(), 0),
              d.seed(),
              Diversity.valueOf(
                  args.oneOf(
                          DIVERSITY,
                          d.diversity().name().toLowerCase(Locale.ROOT),
                          List.of("none", "density", "balance"))
                      .toUpperCase(Locale.ROOT)),
              args.intValue(DIVERSITY_CLUSTERS, d.clusters(), 1),
              number(args, DIVERSITY_WEIGHT, d.diversityWeight()),
              number(args, UNCERTAINTY_JITTER, d.uncertaintyJitter()));
      int reference = args.intValue(DRIFT_REFERENCE, dd.referenceSize(), 10);
      int window = args.intValue(DRIFT_WINDOW, dd.windowSize(), 10);
      // Thresholds not given follow the window sizes (DriftConfig.forWindows says why).
      dd = DriftConfig.forWindows(reference, window, dd.cooldownEvents());
      drift =
          new DriftConfig(
              reference,
              window,
              args.intValue(DRIFT_COOLDOWN, (int) dd.cooldownEvents(), 0),
              dd.confidenceBins(),
              number(args, DRIFT_CONFIDENCE_PSI, dd.confidencePsi()),
              number(args, DRIFT_CLASS_MIX_PSI, dd.classMixPsi()),
              number(args, DRIFT_CENTROID_DISTANCE, dd.centroidDistance()),
              number(args, DRIFT_ERROR_DELTA, dd.errorDelta()),
              number(args, DRIFT_ERROR_LAMBDA, dd.errorLambda()),
              dd.errorMinLabels());
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    ActiveLearningConfig config =
        new ActiveLearningConfig(
            common,
            args.duration(CONTENT_TTL, DEFAULT_CONTENT_TTL),
            args.duration(LABEL_GRACE, DEFAULT_LABEL_GRACE),
            resolution,
            args.intValue(MAJORITY_OF, DEFAULT_MAJORITY_OF, 2),
            selection,
            args.intValue(DUPLICATE_MEMORY, DEFAULT_DUPLICATE_MEMORY, 1),
            drift);
    args.failOnUnknown();
    return config;
  }

  private static double number(JobArguments args, String key, double defaultValue) {
    String text = args.optional(key);
    if (text == null) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(text);
      if (!Double.isFinite(value)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + key + " must be a number, got: " + text, e);
    }
  }

  public VoteResolver voteResolver() {
    return new VoteResolver(resolution, majorityOf);
  }

  public String scoredTopic() {
    return common.topic(Topics.SCORED);
  }

  public String labelsTopic() {
    return common.topic(Topics.LABELS);
  }

  public String labelsDlqTopic() {
    return common.topic(Topics.LABELS_DLQ);
  }

  public String requestsTopic() {
    return common.topic(Topics.LABELING_REQUESTS);
  }

  public String labelledTopic() {
    return common.topic(Topics.LABELLED);
  }

  public String accuracyTopic() {
    return common.topic(Topics.ACCURACY);
  }

  public String driftTopic() {
    return common.topic(Topics.DRIFT);
  }

  public String driftWindowsTopic() {
    return common.topic(Topics.DRIFT_WINDOWS);
  }

  public String retrainTopic() {
    return common.topic(Topics.RETRAIN_REQUESTS);
  }

  /** Flat, secrets masked: for the log and Flink's global job parameters (shown in the web UI). */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>(common.describe());
    out.put(CONTENT_TTL, contentTtl.toString());
    out.put(LABEL_GRACE, labelGrace.toString());
    out.put(LABEL_RESOLUTION, resolution.name().toLowerCase(Locale.ROOT));
    out.put(MAJORITY_OF, Integer.toString(majorityOf));
    out.put(UNCERTAINTY, selection.measure().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    out.put(DIVERSITY, selection.diversity().name().toLowerCase(Locale.ROOT));
    out.put(DIVERSITY_CLUSTERS, Integer.toString(selection.clusters()));
    out.put(DIVERSITY_WEIGHT, Double.toString(selection.diversityWeight()));
    out.put(UNCERTAINTY_JITTER, Double.toString(selection.uncertaintyJitter()));
    out.put(BUDGET_FRACTION, Double.toString(selection.budgetFraction()));
    out.put(REQUESTS_PER_MINUTE, Double.toString(selection.requestsPerMinute()));
    out.put(RANDOM_SHARE, Double.toString(selection.randomShare()));
    out.put(DUPLICATE_SIMILARITY, Double.toString(selection.duplicateSimilarity()));
    out.put(RARE_CLASS_BOOST, Double.toString(selection.rareClassBoost()));
    out.put(COLD_START_LABELS, Integer.toString(selection.coldStartLabels()));
    out.put(DUPLICATE_MEMORY, Integer.toString(duplicateMemory));
    out.put(DRIFT_BOOST_FACTOR, Double.toString(selection.driftBoostFactor()));
    out.put(DRIFT_BOOST_EVENTS, Integer.toString(selection.driftBoostEvents()));
    out.put(DRIFT_REFERENCE, Integer.toString(drift.referenceSize()));
    out.put(DRIFT_WINDOW, Integer.toString(drift.windowSize()));
    out.put(DRIFT_COOLDOWN, Long.toString(drift.cooldownEvents()));
    out.put(DRIFT_CONFIDENCE_PSI, Double.toString(drift.confidencePsi()));
    out.put(DRIFT_CLASS_MIX_PSI, Double.toString(drift.classMixPsi()));
    out.put(DRIFT_CENTROID_DISTANCE, Double.toString(drift.centroidDistance()));
    out.put(DRIFT_ERROR_DELTA, Double.toString(drift.errorDelta()));
    out.put(DRIFT_ERROR_LAMBDA, Double.toString(drift.errorLambda()));
    return out;
  }

  @Override
  public String toString() {
    return "ActiveLearningConfig" + describe();
  }
}
