package dev.sieve.inference.config;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.ConfigException;
import dev.sieve.core.config.JobArguments;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.TrustedKeys;
import dev.sieve.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything inference-job is configured with, parsed once from the command line. Immutable. It
 * holds no secret: the job verifies model versions with public keys only.
 *
 * @param common Kafka, registry, delivery guarantee and checkpointing (see {@link CommonConfig})
 * @param embeddingModel id of the primary embedding network: always loaded, and the one whose
 *     embedding goes into every {@code ScoredContent}; a head may name any known network (id and
 *     digest) and is served beside the one it names
 * @param trustedKeys the Ed25519 public keys a model version may be signed with (several during a
 *     key rotation)
 * @param bounds caps on head size, classifiers and remembered versions
 * @param batchMaxSize the largest micro-batch: the operator sizes batches from the arrival rate,
 *     from 1 at low load up to this once a subtask is saturated
 * @param batchMaxWait … or when its first event has waited this long, whichever comes first
 * @param intraOpThreads ONNX Runtime threads per inference call; Flink's parallelism is the other
 *     axis, so one thread per slot avoids oversubscribing the cores
 * @param maxSubBatch texts of similar length embedded in one network call (see {@link
 *     #DEFAULT_MAX_SUB_BATCH})
 */
public record InferenceConfig(
    CommonConfig common,
    String embeddingModel,
    TrustedKeys trustedKeys,
    ModelBounds bounds,
    int batchMaxSize,
    Duration batchMaxWait,
    int intraOpThreads,
    int maxSubBatch)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String JOB_NAME = "inference";

  public static final String EMBEDDING_MODEL = "embedding-model";
  public static final String TRUSTED_KEYS = "model-trusted-keys";
  public static final String MAX_HEAD_BYTES = "max-head-bytes";
  public static final String MAX_CLASSIFIERS = "max-classifiers";
  public static final String MAX_VERSIONS_KEPT = "max-versions-kept";

  /** The shared-secret argument of earlier releases: refused, with what to give instead. */
  public static final String OLD_SIGNING_KEY = "model-signing-key";

  public static final String BATCH_MAX_SIZE = "batch-max-size";
  public static final String BATCH_MAX_WAIT = "batch-max-wait";
  public static final String INTRA_OP_THREADS = "intra-op-threads";
  public static final String MAX_SUB_BATCH = "max-sub-batch";

  /** The int8-quantised all-MiniLM-L6-v2: about as accurate as fp32, twice as fast on a CPU. */
  public static final String DEFAULT_EMBEDDING_MODEL =
      "all-minilm-l6-v2-q"; // a constant for picocli

  /**
   * Length-bucketed batches of 8 to 32 tweets embed about 25 % faster than one text at a time
   * (docs/architecture.md, "Padding decides throughput"), and gain little beyond 32.
   */
  public static final int DEFAULT_BATCH_MAX_SIZE = 32;

  /**
   * The latency target is a median of at most 30 ms. At low and half load a batch is one event,
   * scored on arrival (batches hold what arrives in one max wait); under heavier load an event
   * waits at most this for its batch to close, then the batch's inference, while a saturated
   * subtask fills batches by size long before the wait ends.
   */
  public static final Duration DEFAULT_BATCH_MAX_WAIT = Duration.ofMillis(10);

  /** One ONNX Runtime thread per Flink slot: parallelism, not intra-op threads, uses the cores. */
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  /**
   * {@code auto}: one text per call on the per-tensor int8 networks (the default one among them),
   * where batching changed 0.7–4.9 % of labels; sub-batches of 8 texts of similar length on the
   * networks batching cannot change (per-token int8, fp32; see {@link EmbedderOptions}). A number
   * forces that size on every network.
   */
  public static final int DEFAULT_MAX_SUB_BATCH = EmbedderOptions.AUTO_SUB_BATCH;

  /** The value of {@code --max-sub-batch} that follows the network. */
  public static final String AUTO = "auto";

  public InferenceConfig {
    if (common == null) {
      throw new ConfigException("common configuration is required");
    }
    try {
      EmbeddingModel.byId(embeddingModel); // an enum lookup: loads no native code
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException("--" + EMBEDDING_MODEL + ": " + e.getMessage(), e);
    }
    if (trustedKeys == null) {
      throw new ConfigException(
          "missing required argument --"
              + TRUSTED_KEYS
              + " (the public keys model versions are signed with)");
    }
    if (bounds == null) {
      throw new ConfigException("model bounds are required");
    }
    if (batchMaxSize < 1) {
      throw new ConfigException("--" + BATCH_MAX_SIZE + " must be at least 1");
    }
    if (batchMaxWait == null || batchMaxWait.isNegative() || batchMaxWait.isZero()) {
      throw new ConfigException("--" + BATCH_MAX_WAIT + " must be positive");
    }
    if (intraOpThreads < 1) {
      throw new ConfigException("--" + INTRA_OP_THREADS + " must be at least 1");
    }
    if (maxSubBatch < 0) {
      throw new ConfigException("--" + MAX_SUB_BATCH + " must be " + AUTO + " or at least 1");
    }
  }

  /** Parses the arguments of {@code main}; fails with a message naming any missing or bad key. */
  public static InferenceConfig fromArgs(String... args) {
    return from(JobArguments.parse(args));
  }

  public static InferenceConfig from(JobArguments args) {
    InferenceConfig config =
        new InferenceConfig(
            CommonConfig.from(args, JOB_NAME),
            args.string(EMBEDDING_MODEL, DEFAULT_EMBEDDING_MODEL),
            trustedKeys(args),
            bounds(args),
            args.intValue(BATCH_MAX_SIZE, DEFAULT_BATCH_MAX_SIZE, 1),
            args.duration(BATCH_MAX_WAIT, DEFAULT_BATCH_MAX_WAIT),
            args.intValue(INTRA_OP_THREADS, DEFAULT_INTRA_OP_THREADS, 1),
            maxSubBatch(args));
    args.failOnUnknown();
    return config;
  }

  /**
   * Texts per network call on the primary network ({@code --max-sub-batch}, or what {@code auto}
   * gives that network): the operator scores and emits a batch in slices of this many events.
   */
  public int primarySubBatch() {
    return EmbedderOptions.defaults()
        .withMaxSubBatch(maxSubBatch)
        .subBatchFor(EmbeddingModel.byId(embeddingModel));
  }

  private static int maxSubBatch(JobArguments args) {
    String value = args.optional(MAX_SUB_BATCH);
    if (value == null || value.equals(AUTO)) {
      return DEFAULT_MAX_SUB_BATCH;
    }
    try {
      return args.intValue(MAX_SUB_BATCH, DEFAULT_MAX_SUB_BATCH, 1);
    } catch (ConfigException e) {
      throw new ConfigException(
          "--" + MAX_SUB_BATCH + " must be " + AUTO + " or a whole number >= 1, got: " + value);
    }
  }

  /** The trusted public keys of {@code --model-trusted-keys}, refusing the old shared secret. */
  public static TrustedKeys trustedKeys(JobArguments args) {
    if (args.optional(OLD_SIGNING_KEY) != null) {
      throw new ConfigException(
          "--"
              + OLD_SIGNING_KEY
              + " is no longer accepted: model versions are signed with Ed25519 and a secret never"
              + " goes on the command line. Give the publishers' public keys with --"
              + TRUSTED_KEYS
              + " (files written by `sieve keys generate`)");
    }
    String spec = args.required(TRUSTED_KEYS);
    try {
      return TrustedKeys.parseList(spec);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + TRUSTED_KEYS + ": " + e.getMessage(), e);
    }
  }

  /**
   * The caps of {@code --max-head-bytes}, {@code --max-classifiers}, {@code --max-versions-kept}.
   */
  public static ModelBounds bounds(JobArguments args) {
    return new ModelBounds(
        args.intValue(MAX_HEAD_BYTES, ModelBounds.DEFAULT_MAX_HEAD_BYTES, 1),
        args.intValue(MAX_CLASSIFIERS, ModelBounds.DEFAULT_MAX_CLASSIFIERS, 1),
        args.intValue(MAX_VERSIONS_KEPT, ModelBounds.DEFAULT_MAX_VERSIONS_KEPT, 1));
  }

  public String contentTopic() {
    return common.topic(Topics.CONTENT);
  }

  public String modelsTopic() {
    return common.topic(Topics.MODELS);
  }

  public String predictionsTopic() {
    return common.topic(Topics.PREDICTIONS);
  }

  public String scoredTopic() {
    return common.topic(Topics.SCORED);
  }

  public String alertsTopic() {
    return common.topic(Topics.MODEL_ALERTS);
  }

  /** Flat, secrets masked: for the log and Flink's global job parameters (shown in the web UI). */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>(common.describe());
    out.put(EMBEDDING_MODEL, embeddingModel);
    out.put(TRUSTED_KEYS, String.join(",", trustedKeys.ids()));
    out.put(MAX_HEAD_BYTES, Integer.toString(bounds.maxHeadBytes()));
    out.put(MAX_CLASSIFIERS, Integer.toString(bounds.maxClassifiers()));
    out.put(MAX_VERSIONS_KEPT, Integer.toString(bounds.maxVersionsKept()));
    out.put(BATCH_MAX_SIZE, Integer.toString(batchMaxSize));
    out.put(BATCH_MAX_WAIT, batchMaxWait.toMillis() + " ms");
    out.put(INTRA_OP_THREADS, Integer.toString(intraOpThreads));
    out.put(
        MAX_SUB_BATCH, maxSubBatch == DEFAULT_MAX_SUB_BATCH ? AUTO : Integer.toString(maxSubBatch));
    return out;
  }

  @Override
  public String toString() {
    return "InferenceConfig" + describe();
  }
}
