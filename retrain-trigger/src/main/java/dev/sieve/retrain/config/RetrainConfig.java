package dev.sieve.retrain.config;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.ConfigException;
import dev.sieve.core.config.JobArguments;
import dev.sieve.learning.training.PublishDecision;
import dev.sieve.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything retrain-trigger is configured with, parsed once from the command line. Immutable. The
 * signing key never appears in {@link #toString()} or {@link #describe()}.
 *
 * @param common Kafka, registry, delivery guarantee and checkpointing (see {@link CommonConfig})
 * @param signingKey HMAC-SHA256 key published versions are signed with
 * @param retrainEvery a classifier retrains after this many new (or changed) labels
 * @param minRetrainInterval at least this long between two trainings of one classifier; a trigger
 *     inside it is remembered and served when it has passed
 * @param publishMargin a challenger must beat the champion's cross-validated macro-F1 by this much
 * @param maxExamples labelled examples kept per classifier; above it the oldest (by label time) go
 */
public record RetrainConfig(
    CommonConfig common,
    String signingKey,
    int retrainEvery,
    Duration minRetrainInterval,
    double publishMargin,
    int maxExamples)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String JOB_NAME = "retrain";

  public static final String SIGNING_KEY = "model-signing-key";
  public static final String RETRAIN_EVERY = "retrain-every";
  public static final String MIN_RETRAIN_INTERVAL = "min-retrain-interval";
  public static final String PUBLISH_MARGIN = "publish-margin";
  public static final String MAX_EXAMPLES = "max-examples";

  /** Fifty labels move a small head measurably, and a training of a few seconds stays rare. */
  public static final int DEFAULT_RETRAIN_EVERY = 50;

  /** Bursts of labels or drift alerts make at most one training per classifier per 30 s. */
  public static final Duration DEFAULT_MIN_RETRAIN_INTERVAL = Duration.ofSeconds(30);

  public static final double DEFAULT_PUBLISH_MARGIN = PublishDecision.DEFAULT_MARGIN;

  /**
   * Training runs on the task thread (see {@code RetrainTrigger}), and its time grows linearly with
   * the set: 10,000 examples, 5-fold CV included, take 3.5–9 s on two cores
   * (docs/measurements/retrain-eval.md). The cap is what bounds how long one training holds a
   * checkpoint barrier. It is also about 16 MB of embeddings per classifier in RocksDB.
   */
  public static final int DEFAULT_MAX_EXAMPLES = 10_000;

  public RetrainConfig {
    if (common == null) {
      throw new ConfigException("common configuration is required");
    }
    if (signingKey == null || signingKey.isBlank()) {
      throw new ConfigException(
          "missing required argument --"
              + SIGNING_KEY
              + " (the HMAC key model versions are signed with)");
    }
    if (retrainEvery < 1) {
      throw new ConfigException("--" + RETRAIN_EVERY + " must be at least 1");
    }
    if (minRetrainInterval == null || minRetrainInterval.isNegative()) {
      throw new ConfigException("--" + MIN_RETRAIN_INTERVAL + " must not be negative");
    }
    if (!(publishMargin >= 0 && publishMargin < 1)) {
      throw new ConfigException("--" + PUBLISH_MARGIN + " must be in [0, 1)");
    }
    if (maxExamples < 10) {
      throw new ConfigException("--" + MAX_EXAMPLES + " must be at least 10");
    }
  }

  /** Parses the arguments of {@code main}; fails with a message naming any missing or bad key. */
  public static RetrainConfig fromArgs(String... args) {
    return from(JobArguments.parse(args));
  }

  public static RetrainConfig from(JobArguments args) {
    RetrainConfig config =
        new RetrainConfig(
            CommonConfig.from(args, JOB_NAME),
            args.required(SIGNING_KEY),
            args.intValue(RETRAIN_EVERY, DEFAULT_RETRAIN_EVERY, 1),
            args.duration(MIN_RETRAIN_INTERVAL, DEFAULT_MIN_RETRAIN_INTERVAL),
            margin(args.string(PUBLISH_MARGIN, Double.toString(DEFAULT_PUBLISH_MARGIN))),
            args.intValue(MAX_EXAMPLES, DEFAULT_MAX_EXAMPLES, 10));
    args.failOnUnknown();
    return config;
  }

  private static double margin(String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + PUBLISH_MARGIN + " must be a number, got: " + text, e);
    }
  }

  public String labelledTopic() {
    return common.topic(Topics.LABELLED);
  }

  public String requestsTopic() {
    return common.topic(Topics.RETRAIN_REQUESTS);
  }

  public String modelsTopic() {
    return common.topic(Topics.MODELS);
  }

  /** Flat, secrets masked: for the log and Flink's global job parameters (shown in the web UI). */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>(common.describe());
    out.put(SIGNING_KEY, "******");
    out.put(RETRAIN_EVERY, Integer.toString(retrainEvery));
    out.put(MIN_RETRAIN_INTERVAL, minRetrainInterval.toMillis() + " ms");
    out.put(PUBLISH_MARGIN, Double.toString(publishMargin));
    out.put(MAX_EXAMPLES, Integer.toString(maxExamples));
    return out;
  }

  @Override
  public String toString() {
    return "RetrainConfig" + describe();
  }
}
