package dev.sieve.model;

import java.util.Set;

/**
 * Keys that have appeared in this repository and so are known to everyone: the shared secrets that
 * docker-compose, the demo, the bench and the tests once shipped, and the ids of any Ed25519 key
 * ever published in it (none so far: tests generate theirs). A deployment that configures one of
 * them is refused at start, with a message that says how to make its own.
 */
public final class KnownSampleKeys {

  /** The model-signing secrets Sieve shipped before versions were signed with Ed25519. */
  static final Set<String> SECRETS =
      Set.of(
          "change-me-sieve-compose-signing-key",
          "sieve-demo-signing-key",
          "sieve-bench-signing-key",
          "inference-it-signing-key",
          "poison-it-key",
          "deployment-secret",
          "s3cret");

  /** Key ids of Ed25519 keys that were ever committed. */
  static final Set<String> KEY_IDS = Set.of();

  private KnownSampleKeys() {}

  /** Fails when {@code material} (a key file's text, stripped) or {@code keyId} is a known one. */
  static void refuse(String material, String keyId, String source) {
    if ((material != null && SECRETS.contains(material.strip()))
        || (keyId != null && KEY_IDS.contains(keyId))) {
      throw new IllegalArgumentException(
          source
              + " holds a sample key that has appeared in the Sieve repository, which anyone can"
              + " sign with: refusing it. Generate this deployment's own key pair with `sieve keys"
              + " generate --out DIR` and configure its files instead.");
    }
  }
}
