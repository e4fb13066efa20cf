package dev.sieve.activelearning.functions;

import dev.sieve.learning.selection.EmbeddingMemory;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The near-duplicate memory of one classifier in keyed state: a ring of {@code capacity} embeddings
 * in a {@code MapState<slot, float[]>} plus the count of embeddings ever added (the next slot is
 * that count modulo the capacity). Keyed state rather than a heap ring so that it survives restarts
 * and rescaling with its classifier. A similarity check reads every slot (in RocksDB a prefix scan,
 * about 1.5 KB per MiniLM embedding), but only candidates that would otherwise be asked, or
 * labelled, are checked: a few percent of the traffic. Embeddings of another dimension (a different
 * embedding model) are skipped rather than compared.
 */
final class StateEmbeddingMemory implements EmbeddingMemory {

  private final MapState<Integer, float[]> slots;
  private final ValueState<Long> added;
  private final int capacity;

  StateEmbeddingMemory(MapState<Integer, float[]> slots, ValueState<Long> added, int capacity) {
    this.slots = slots;
    this.added = added;
    this.capacity = capacity;
  }

  @Override
  public double maxSimilarity(float[] embedding) {
    double max = 0;
    try {
      for (float[] remembered : slots.values()) {
        if (remembered.length == embedding.length) {
          max = Math.max(max, EmbeddingMemory.dot(remembered, embedding));
        }
      }
    } catch (Exception e) {
      throw new FlinkRuntimeException("cannot read the near-duplicate memory", e);
    }
    return max;
  }

  @Override
  public void add(float[] embedding) {
    try {
      Long count = added.value();
      long n = count == null ? 0 : count;
      slots.put((int) (n % capacity), embedding.clone());
      added.update(n + 1);
    } catch (Exception e) {
      throw new FlinkRuntimeException("cannot write the near-duplicate memory", e);
    }
  }
}
