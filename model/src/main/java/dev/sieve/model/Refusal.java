package dev.sieve.model;

/**
 * Why a model version was refused. The names are stable: they go into alerts and metrics. Listed in
 * the order the checks run.
 */
public enum Refusal {
  /** The head bytes do not hash to the recorded digest (corrupted or edited in transit). */
  BAD_DIGEST,
  /** No signature. */
  UNSIGNED,
  /** The signature is not an HMAC of the digest under this deployment's key. */
  BAD_SIGNATURE,
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
