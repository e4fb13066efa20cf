package dev.sieve.cli;

import dev.sieve.model.KeyPairFiles;
import java.nio.file.Path;

/**
 * The deployment's model-signing key pair in a directory: {@code model-signing.key} (Ed25519
 * private key, readable by its owner only) and {@code model-signing.pub} (its public key). {@code
 * ./sieve up} generates the pair on its first start and names both in its settings file; the
 * publishing commands ({@code classifier create}, {@code rollback}) read the private key from
 * there, and the jobs get the private key's file (retrain-trigger) or the public key (inference).
 */
public final class SigningKeyFile {

  /** The property that names the private key file in a settings file. */
  public static final String PROPERTY = "sieve.model.signing.key.file";

  /** The property that lists the trusted public keys (files or inline, comma-separated). */
  public static final String TRUSTED_PROPERTY = "sieve.model.trusted.keys";

  private SigningKeyFile() {}

  /** The pair in {@code dir}, generated first when its private key does not exist. */
  public static KeyPairFiles.Written readOrCreate(Path dir) {
    try {
      return KeyPairFiles.readOrGenerate(dir, KeyPairFiles.DEFAULT_NAME);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }
}
