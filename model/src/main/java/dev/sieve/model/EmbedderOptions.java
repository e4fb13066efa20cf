package dev.sieve.model;

/**
 * How an embedder runs. {@code maxLength} caps tokens per text (128 by default: the length
 * all-MiniLM-L6-v2 was trained at, and its tokenizer's own setting; attention cost grows with the
 * square of the length, and tweets and SMS are far shorter). {@code intraOpThreads} is ONNX
 * Runtime's thread count per call (1 by default: Flink already runs one task thread per slot).
 *
 * <p>{@code maxSubBatch} caps how many texts of similar length go through the network together. It
 * is 1 by default, on purpose: the int8 network quantises its activations with one scale per batch
 * tensor, so a text's embedding depends on the texts it is batched with, and that changed 0.7–4.9 %
 * of labels between batch 1 and micro-batches of 64 on the shared datasets
 * (docs/measurements/batch-flips.md, measured) — above the 0.5 % we accept. Alone, a text always
 * gets the same embedding, in training and in serving. Sub-batches of 8 were the fastest batched
 * setting (+18 % over batch 1 at micro-batches of 256); use them with the fp32 network, whose
 * embeddings do not move (0 flips), or where a few flipped labels are acceptable. A record, so that
 * equal options share one loaded model in {@link SharedEmbedders}.
 */
public record EmbedderOptions(int maxLength, int maxSubBatch, int intraOpThreads) {

  public static final int DEFAULT_MAX_LENGTH = 128;
  public static final int DEFAULT_MAX_SUB_BATCH = 1;
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  public EmbedderOptions {
    if (maxLength < 8 || maxLength > 512) {
      throw new IllegalArgumentException("maxLength must be in [8, 512], was " + maxLength);
    }
    if (maxSubBatch < 1) {
      throw new IllegalArgumentException("maxSubBatch must be >= 1, was " + maxSubBatch);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
    }
  }

  public static EmbedderOptions defaults() {
    return new EmbedderOptions(DEFAULT_MAX_LENGTH, DEFAULT_MAX_SUB_BATCH, DEFAULT_INTRA_OP_THREADS);
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
