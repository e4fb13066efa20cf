package dev.sieve.cli;

import dev.sieve.model.SigningKey;
import dev.sieve.model.TrustedKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Ed25519 private key a publishing command signs model versions with: {@code
 * --signing-key-file}, else the file named by {@code sieve.model.signing.key.file} in {@code
 * --config} or {@code -X} (what {@code ./sieve up} writes into its settings file, which the
 * commands read by default), else the PEM text of the environment variable {@code
 * SIEVE_MODEL_SIGNING_KEY}. Never a key on the command line; the key is never printed.
 */
final class SigningKeyOption {

  static final String PROPERTY = SigningKeyFile.PROPERTY;
  static final String ENV = SigningKey.ENV;

  /** The shared secret of earlier releases, refused with what to configure instead. */
  static final String OLD_PROPERTY = "sieve.model.signing.key";

  @Option(
      names = "--signing-key-file",
      paramLabel = "<file>",
      description =
          "Ed25519 private key file that signs model versions, as `sieve keys generate` writes"
              + " (or "
              + PROPERTY
              + " in --config, or the key's PEM text in the environment variable "
              + ENV
              + ").")
  Path file;

  /** The key, or null when none is configured anywhere. */
  SigningKey keyOrNull(Map<String, String> properties) {
    return resolve(file, properties, System.getenv());
  }

  /** The key; fails with a clear message when none is configured. */
  SigningKey require(Map<String, String> properties) {
    SigningKey key = keyOrNull(properties);
    if (key == null) {
      throw new CliException(
          "no model signing key: give --signing-key-file, or "
              + PROPERTY
              + " in --config, or set "
              + ENV
              + " (make a key pair with `sieve keys generate`)");
    }
    return key;
  }

  static SigningKey resolve(Path flag, Map<String, String> properties, Map<String, String> env) {
    if (properties.get(OLD_PROPERTY) != null && !properties.get(OLD_PROPERTY).isBlank()) {
      throw new CliException(
          OLD_PROPERTY
              + " (a shared secret) is no longer accepted: model versions are signed with an"
              + " Ed25519 key pair. Make one with `sieve keys generate` and name its private key"
              + " file with "
              + PROPERTY);
    }
    try {
      if (flag != null) {
        return SigningKey.read(flag);
      }
      String file = properties.get(PROPERTY);
      if (file != null && !file.isBlank()) {
        return SigningKey.read(Path.of(file.strip()));
      }
      return SigningKey.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /**
   * The public keys to check versions against: {@code sieve.model.trusted.keys} (files or inline,
   * comma-separated) and {@code own}'s public half when given; null when there are none.
   */
  static TrustedKeys trusted(Map<String, String> properties, SigningKey own) {
    List<String> specs = new ArrayList<>();
    String listed = properties.get(SigningKeyFile.TRUSTED_PROPERTY);
    if (listed != null && !listed.isBlank()) {
      specs.addAll(List.of(listed.split(",")));
    }
    if (own != null) {
      specs.add(own.publicBase64());
    }
    if (specs.isEmpty()) {
      return null;
    }
    try {
      return TrustedKeys.parse(specs);
    } catch (IllegalArgumentException e) {
      throw new CliException(SigningKeyFile.TRUSTED_PROPERTY + ": " + e.getMessage());
    }
  }
}
