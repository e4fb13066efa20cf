package dev.sieve.inference.scoring;

import java.io.Serializable;

/**
 * What the inference operator needs from the model runtime, created on each subtask: the embedding
 * network and a validator for model versions. Serializable because it travels inside the operator
 * to the task managers; it carries configuration only (model id, threads, signing key), never a
 * loaded model. Tests pass a fake.
 */
public interface ModelRuntime extends Serializable {

  /** Acquires the embedding network (shared by the subtasks of one JVM); close to release. */
  Embedder acquireEmbedder();

  /** A validator of model versions against {@code embedder}'s id, digest and dimension. */
  VersionValidator validator(Embedder embedder);
}
