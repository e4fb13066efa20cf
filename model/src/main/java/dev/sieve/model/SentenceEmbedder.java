package dev.sieve.model;

import java.util.List;

/**
 * Turns texts into L2-normalised sentence embeddings. Operators see this interface only, so they
 * can be tested with a plain-Java fake. Implementations are thread-safe.
 */
public interface SentenceEmbedder extends AutoCloseable {

  /** Length of each embedding row. */
  int dimension();

  /** Id of the embedding network, as recorded in {@code ModelVersion.embeddingModelId}. */
  String modelId();

  /** SHA-256 of the network, as recorded in {@code ModelVersion.embeddingModelDigest}. */
  String modelDigest();

  /** One unit-length row per text, in the order of {@code texts}. */
  float[][] embed(List<String> texts);

  /** Releases this embedder (for a shared handle: releases the reference). */
  @Override
  void close();
}
