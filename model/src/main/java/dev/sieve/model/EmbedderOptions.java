package dev.sieve.model;

/**
 * How an embedder runs. {@code maxLength} caps tokens per text (128 by default: the length
 * all-MiniLM-L6-v2 was trained at, and its tokenizer's own setting; attention cost grows with the
 * square of the length, and tweets and SMS are far shorter). {@code intraOpThreads} is ONNX
 * Runtime's thread count per call (1 by default: Flink already runs one task thread per slot).
 *
 * <p>{@code maxSubBatch} caps how many texts of similar length go through the network together. By
 * default ({@link #AUTO_SUB_BATCH}) it follows the network: sub-batches of {@link
 * #BATCH_SAFE_SUB_BATCH} where batching cannot move an embedding ({@link
 * EmbeddingModel#batchSafe()}: the per-token int8 networks and fp32), one text per call on the
 * per-tensor int8 networks, which quantise their activations with one scale per batch tensor, so a
 * text's embedding there depends on the texts batched with it: that changed 0.7–4.9 % of labels at
 * micro-batches of 64 (docs/measurements/batch-flips.md). A number forces that cap on every network
 * (measurements do, to count those flips). A record, so that equal options share one loaded model
 * in {@link SharedEmbedders}.
 */
public record EmbedderOptions(int maxLength, int maxSubBatch, int intraOpThreads) {

  public static final int DEFAULT_MAX_LENGTH = 128;

  /** {@code maxSubBatch}: follow the network ({@link #subBatchFor}). */
  public static final int AUTO_SUB_BATCH = 0;

  /** Sub-batch where batching is safe: the fastest measured, at micro-batches of 64 and 256. */
  public static final int BATCH_SAFE_SUB_BATCH = 8;

  public static final int DEFAULT_MAX_SUB_BATCH = AUTO_SUB_BATCH;
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  public EmbedderOptions {
    if (maxLength < 8 || maxLength > 512) {
      throw new IllegalArgumentException("maxLength must be in [8, 512], was " + maxLength);
    }
    if (maxSubBatch < 0) {
      throw new IllegalArgumentException(
          "maxSubBatch must be >= 1, or 0 to follow the network, was " + maxSubBatch);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
    }
  }

  public static EmbedderOptions defaults() {
    return new EmbedderOptions(DEFAULT_MAX_LENGTH, DEFAULT_MAX_SUB_BATCH, DEFAULT_INTRA_OP_THREADS);
  }

  /** Texts per network call on {@code model}. */
  public int subBatchFor(EmbeddingModel model) {
    if (maxSubBatch != AUTO_SUB_BATCH) {
      return maxSubBatch;
    }
    return model.batchSafe() ? BATCH_SAFE_SUB_BATCH : 1;
  }

  public EmbedderOptions withMaxLength(int value) {
    return new EmbedderOptions(value, maxSubBatch, intraOpThreads);
  }

  public EmbedderOptions withMaxSubBatch(int value) {
    return new EmbedderOptions(maxLength, value, intraOpThreads);
  }

  public EmbedderOptions withIntraOpThreads(int value) {
    return new EmbedderOptions(maxLength, maxSubBatch, value);
  }
}
