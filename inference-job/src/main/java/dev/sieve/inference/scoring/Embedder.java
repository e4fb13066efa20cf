package dev.sieve.inference.scoring;

import java.util.List;

/**
 * A sentence-embedding network as the inference operator sees it (one per network in use, see
 * {@link EmbeddingNetworks}): texts in, L2-normalised vectors out. A small interface of this
 * module's own, so the operator and its logic are tested with a plain-Java fake; production adapts
 * the shared, reference-counted embedder of the model runtime. {@link #close()} releases this
 * holder's reference (the network itself closes when its last holder releases it).
 */
public interface Embedder extends AutoCloseable {

  /**
   * Id of the network ({@code all-minilm-l6-v2-q}); the primary one's goes into {@code
   * ScoredContent}.
   */
  String modelId();

  /** SHA-256 of the network's weights: a head is served only beside the network it was made for. */
  String modelDigest();

  /** Length of every vector {@link #embed} returns. */
  int dimension();

  /** One vector per text, in order. */
  float[][] embed(List<String> texts);

  @Override
  void close();
}
