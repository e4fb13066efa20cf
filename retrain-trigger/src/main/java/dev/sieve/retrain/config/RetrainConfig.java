package dev.sieve.retrain.config;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.ConfigException;
import dev.sieve.core.config.JobArguments;
import dev.sieve.learning.candidates.CandidateRetraining;
import dev.sieve.learning.training.PublishDecision;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.SigningKey;
import dev.sieve.model.SigningKeySource;
import dev.sieve.model.TrustedKeys;
import dev.sieve.schemas.Topics;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything retrain-trigger is configured with, parsed once from the command line. Immutable. It
 * holds where the private key is (a file, or the environment variable {@code
 * SIEVE_MODEL_SIGNING_KEY}), never the key: a secret never goes on the command line.
 *
 * @param common Kafka, registry, delivery guarantee and checkpointing (see {@link CommonConfig})
 * @param signingKey where the Ed25519 private key that signs published versions is read from
 * @param trustedKeys the public keys a champion read from {@code sieve.models} must be signed with
 * @param bounds caps on head size, classifiers and remembered versions
 * @param retrainEvery a classifier retrains after this many new (or changed) labels
 * @param minRetrainInterval at least this long between two trainings of one classifier; a trigger
 *     inside it is remembered and served when it has passed
 * @param publishMargin a challenger must beat the champion's cross-validated macro-F1 by this much
 * @param maxExamples labelled examples kept per classifier; above it the oldest (by label time) go
 * @param candidateNetworks the embedding networks each retraining tries (with the lexical
 *     featuriser alone and beside each of them)
 * @param minThroughput events/s per core the inference job must sustain: a candidate whose measured
 *     cost is lower is not chosen (0: no budget, the most accurate candidate wins)
 */
public record RetrainConfig(
    CommonConfig common,
    SigningKeySource signingKey,
    TrustedKeys trustedKeys,
    ModelBounds bounds,
    int retrainEvery,
    Duration minRetrainInterval,
    double publishMargin,
    int maxExamples,
    List<String> candidateNetworks,
    double minThroughput)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String JOB_NAME = "retrain";

  public static final String SIGNING_KEY_FILE = "signing-key-file";
  public static final String TRUSTED_KEYS = "model-trusted-keys";
  public static final String MAX_HEAD_BYTES = "max-head-bytes";
  public static final String MAX_CLASSIFIERS = "max-classifiers";
  public static final String MAX_VERSIONS_KEPT = "max-versions-kept";

  /** The shared-secret argument of earlier releases: refused, with what to give instead. */
  public static final String OLD_SIGNING_KEY = "model-signing-key";

  public static final String RETRAIN_EVERY = "retrain-every";
  public static final String MIN_RETRAIN_INTERVAL = "min-retrain-interval";
  public static final String PUBLISH_MARGIN = "publish-margin";
  public static final String MAX_EXAMPLES = "max-examples";
  public static final String CANDIDATE_NETWORKS = "candidate-networks";
  public static final String MIN_THROUGHPUT = "min-throughput";

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
    if (signingKey == null) {
      throw new ConfigException(
          "no model signing key: give --"
              + SIGNING_KEY_FILE
              + " or set the environment variable "
              + SigningKey.ENV);
    }
    if (trustedKeys == null || bounds == null) {
      throw new ConfigException("trusted keys and model bounds are required");
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
    if (candidateNetworks == null || candidateNetworks.isEmpty()) {
      throw new ConfigException("--" + CANDIDATE_NETWORKS + " must name at least one network");
    }
    for (String id : candidateNetworks) {
      try {
        EmbeddingModel.byId(id);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--" + CANDIDATE_NETWORKS + ": " + e.getMessage(), e);
      }
    }
    candidateNetworks = List.copyOf(candidateNetworks);
    if (!(minThroughput >= 0)) {
      throw new ConfigException("--" + MIN_THROUGHPUT + " must be >= 0 (events/s per core)");
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
            signingKey(args),
            trustedKeys(args),
            new ModelBounds(
                args.intValue(MAX_HEAD_BYTES, ModelBounds.DEFAULT_MAX_HEAD_BYTES, 1),
                args.intValue(MAX_CLASSIFIERS, ModelBounds.DEFAULT_MAX_CLASSIFIERS, 1),
                args.intValue(MAX_VERSIONS_KEPT, ModelBounds.DEFAULT_MAX_VERSIONS_KEPT, 1)),
            args.intValue(RETRAIN_EVERY, DEFAULT_RETRAIN_EVERY, 1),
            args.duration(MIN_RETRAIN_INTERVAL, DEFAULT_MIN_RETRAIN_INTERVAL),
            margin(args.string(PUBLISH_MARGIN, Double.toString(DEFAULT_PUBLISH_MARGIN))),
            args.intValue(MAX_EXAMPLES, DEFAULT_MAX_EXAMPLES, 10),
            List.of(
                args.string(
                        CANDIDATE_NETWORKS, String.join(",", CandidateRetraining.DEFAULT_NETWORKS))
                    .split("\\s*,\\s*")),
            number(MIN_THROUGHPUT, args.string(MIN_THROUGHPUT, "0")));
    args.failOnUnknown();
    return config;
  }

  /**
   * {@code --signing-key-file}, else the environment variable (checked here, where the job is
   * submitted, when it is set: a sample key is refused at start).
   */
  static SigningKeySource signingKey(JobArguments args) {
    if (args.optional(OLD_SIGNING_KEY) != null) {
      throw new ConfigException(
          "--"
              + OLD_SIGNING_KEY
              + " is no longer accepted: a secret never goes on the command line. Give the"
              + " Ed25519 private key as --"
              + SIGNING_KEY_FILE
              + " (written by `sieve keys generate`) or in the environment variable "
              + SigningKey.ENV);
    }
    String file = args.optional(SIGNING_KEY_FILE);
    try {
      if (file != null) {
        SigningKeySource source = SigningKeySource.file(Path.of(file));
        if (Files.exists(Path.of(file))) {
          source.load(); // fail at submission, not at the first training
        }
        return source;
      }
      if (SigningKey.fromEnvironment(System.getenv()) != null) {
        return SigningKeySource.environment();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    return null;
  }

  static TrustedKeys trustedKeys(JobArguments args) {
    String spec = args.required(TRUSTED_KEYS);
    try {
      return TrustedKeys.parseList(spec);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + TRUSTED_KEYS + ": " + e.getMessage(), e);
    }
  }

  private static double number(String key, String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + key + " must be a number, got: " + text, e);
    }
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
    out.put(SIGNING_KEY_FILE, signingKey.toString());
    out.put(TRUSTED_KEYS, String.join(",", trustedKeys.ids()));
    out.put(MAX_HEAD_BYTES, Integer.toString(bounds.maxHeadBytes()));
    out.put(MAX_CLASSIFIERS, Integer.toString(bounds.maxClassifiers()));
    out.put(MAX_VERSIONS_KEPT, Integer.toString(bounds.maxVersionsKept()));
    out.put(RETRAIN_EVERY, Integer.toString(retrainEvery));
    out.put(MIN_RETRAIN_INTERVAL, minRetrainInterval.toMillis() + " ms");
    out.put(PUBLISH_MARGIN, Double.toString(publishMargin));
    out.put(MAX_EXAMPLES, Integer.toString(maxExamples));
    out.put(CANDIDATE_NETWORKS, String.join(",", candidateNetworks));
    out.put(MIN_THROUGHPUT, Double.toString(minThroughput));
    return out;
  }

  @Override
  public String toString() {
    return "RetrainConfig" + describe();
  }
}
