package dev.sieve.learning.selection;

/**
 * The embeddings of samples already asked about or labelled, for near-duplicate suppression.
 * Embeddings are L2-normalised, so the cosine similarity is the dot product. The Flink job keeps
 * them in keyed state; {@link RingEmbeddingMemory} keeps them on the heap.
 */
public interface EmbeddingMemory {

  /** Highest cosine similarity between {@code embedding} and any remembered one; 0 when empty. */
  double maxSimilarity(float[] embedding);

  /** Remembers an embedding, forgetting the oldest when full. */
  void add(float[] embedding);

  /** Dot product of two vectors of the same length. */
  static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "embeddings differ in length: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
