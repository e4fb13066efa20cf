package dev.sieve.inference.scoring;

import dev.sieve.schemas.ModelVersion;

/**
 * Decides whether a model version may be served beside the embedding network it names: digest,
 * signature, embedding network (one this job can serve, with the same weights), loadability, input
 * dimension, label count and a smoke test. It loads no network. An accepted verdict carries the
 * loaded head, which the caller then owns.
 */
@FunctionalInterface
public interface VersionValidator {

  Verdict validate(ModelVersion version);
}
