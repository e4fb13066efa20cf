package dev.sieve.inference.scoring;

import java.io.Serializable;

/**
 * What the inference operator needs from the model runtime, created on each subtask: the embedding
 * networks and a validator for model versions. Serializable because it travels inside the operator
 * to the task managers; it carries configuration only (network id, threads, trusted keys), never a
 * loaded model. Tests pass a fake.
 */
public interface ModelRuntime extends Serializable {

  /**
   * Id of the network whose embedding goes into every {@code ScoredContent} ({@code
   * --embedding-model}); the operator keeps it loaded whatever its classifiers use.
   */
  String primaryNetwork();

  /**
   * Acquires the network {@code networkId} (loaded on first use, shared by the subtasks of one
   * JVM); close to release. Fails ({@link IllegalArgumentException} for an id it does not know, an
   * unchecked exception when it cannot load) without holding anything.
   */
  Embedder acquireEmbedder(String networkId);

  /**
   * A validator of model versions on any network this runtime can serve: the version's network id,
   * digest and dimension are checked without loading the network.
   */
  VersionValidator validator();
}
