package dev.sieve.learning.selection;

/** A bounded heap {@link EmbeddingMemory}: the last {@code capacity} embeddings. */
public final class RingEmbeddingMemory implements EmbeddingMemory {

  private final float[][] slots;
  private int size;
  private int next;

  public RingEmbeddingMemory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.slots = new float[capacity][];
  }

  @Override
  public double maxSimilarity(float[] embedding) {
    double max = 0;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, EmbeddingMemory.dot(slots[i], embedding));
    }
    return max;
  }

  @Override
  public void add(float[] embedding) {
    slots[next] = embedding.clone();
    next = (next + 1) % slots.length;
    size = Math.min(size + 1, slots.length);
  }

  public int size() {
    return size;
  }
}
