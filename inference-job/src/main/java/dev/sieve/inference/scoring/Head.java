package dev.sieve.inference.scoring;

import java.util.List;

/**
 * A loaded classifier head: embeddings in, class probabilities out (one row per embedding, one
 * column per label, in the label order of its {@code ModelVersion}). It owns native memory, so the
 * registry that holds it closes it when a newer version replaces it; it never goes into Flink
 * state.
 */
public interface Head extends AutoCloseable {

  float[][] predict(float[][] embeddings);

  /**
   * Class probabilities of {@code texts}, whose embeddings by the network the head names are {@code
   * embeddings} (null for a head that reads no embedding). A head that also reads lexical features
   * computes them from the texts; the default reads the embeddings only.
   */
  default float[][] predict(List<String> texts, float[][] embeddings) {
    return predict(embeddings);
  }

  @Override
  void close();
}
