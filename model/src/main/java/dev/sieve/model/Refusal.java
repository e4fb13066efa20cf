package dev.sieve.model;

/**
 * Why a model version was refused. The names are stable: they go into alerts and metrics. Listed in
 * the order the checks run.
 */
public enum Refusal {
  /** The classifier name is not {@code [a-z0-9][a-z0-9._-]{0,63}}. */
  BAD_CLASSIFIER_NAME,
  /** The version number is negative. */
  VERSION_OUT_OF_RANGE,
  /** The head is larger than the configured cap. */
  HEAD_TOO_LARGE,
  /** The head bytes do not hash to the recorded digest (corrupted or edited in transit). */
  BAD_DIGEST,
  /** No signature. */
  UNSIGNED,
  /** Signed with a key id this job does not trust (or none). */
  UNKNOWN_KEY,
  /** A known signed head re-published under another classifier's name. */
  RENAMED,
  /** A known signed head with its labels (or descriptions) swapped, reordered or replaced. */
  RELABELLED,
  /** A known signed head re-published with another parent version. */
  REPARENTED,
  /** A known signed version re-published under another (higher) version number. */
  REPLAYED,
  /** The signature is not the trusted key's over the version's canonical bytes. */
  BAD_SIGNATURE,
  /** Accepting a new classifier would exceed the job's cap on classifiers. */
  TOO_MANY_CLASSIFIERS,
  /** The head was trained on another embedding network (id or digest differ). */
  EMBEDDING_MISMATCH,
  /** ONNX Runtime cannot load the head, or it is not a float matrix to float matrix model. */
  UNLOADABLE_HEAD,
  /** The head takes embeddings of another dimension. */
  WRONG_INPUT_DIMENSION,
  /** Labels are empty or duplicated, or do not match the head's outputs (or descriptions). */
  LABEL_COUNT_MISMATCH,
  /** On fixed inputs the head gave something other than finite probability rows. */
  SMOKE_TEST_FAILED
}
