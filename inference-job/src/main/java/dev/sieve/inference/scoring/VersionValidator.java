package dev.sieve.inference.scoring;

import dev.sieve.schemas.ModelVersion;

/**
 * Decides whether a model version may be served beside this job's embedding network: digest,
 * signature, embedding model, loadability, input dimension, label count and a smoke test. An
 * accepted verdict carries the loaded head, which the caller then owns.
 */
@FunctionalInterface
public interface VersionValidator {

  Verdict validate(ModelVersion version);
}
