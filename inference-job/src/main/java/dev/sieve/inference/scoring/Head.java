package dev.sieve.inference.scoring;

/**
 * A loaded classifier head: embeddings in, class probabilities out (one row per embedding, one
 * column per label, in the label order of its {@code ModelVersion}). It owns native memory, so the
 * registry that holds it closes it when a newer version replaces it; it never goes into Flink
 * state.
 */
public interface Head extends AutoCloseable {

  float[][] predict(float[][] embeddings);

  @Override
  void close();
}
