package dev.sieve.cli;

import dev.sieve.model.ModelSigning;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The deployment's model signing secret: {@code --model-signing-key}, else {@code
 * sieve.model.signing.key} in {@code --config} or {@code -X}, else the file named by {@code
 * sieve.model.signing.key.file} there (what {@code ./sieve up} writes into its settings file, which
 * the commands read by default), else the environment variable {@code SIEVE_MODEL_SIGNING_KEY}. The
 * secret is never printed.
 */
final class SigningKeyOption {

  static final String PROPERTY = "sieve.model.signing.key";
  static final String ENV = "SIEVE_MODEL_SIGNING_KEY";

  @Option(
      names = "--model-signing-key",
      description =
          "Secret that signs model versions (or "
              + PROPERTY
              + " in --config, or a key file named by "
              + SigningKeyFile.PROPERTY
              + " there, or the environment variable "
              + ENV
              + "). Never printed.")
  String flag;

  /** The key bytes, or null when none is configured anywhere. */
  byte[] keyOrNull(Map<String, String> properties) {
    return resolve(flag, properties, System.getenv());
  }

  /** The key bytes; fails with a clear message when none is configured. */
  byte[] require(Map<String, String> properties) {
    byte[] key = keyOrNull(properties);
    if (key == null) {
      throw new CliException(
          "no model signing key: give --model-signing-key, "
              + PROPERTY
              + " or "
              + SigningKeyFile.PROPERTY
              + " in --config, or set "
              + ENV);
    }
    return key;
  }

  static byte[] resolve(String flag, Map<String, String> properties, Map<String, String> env) {
    for (String candidate : new String[] {flag, properties.get(PROPERTY)}) {
      if (candidate != null && !candidate.isEmpty()) {
        return ModelSigning.key(candidate);
      }
    }
    String file = properties.get(SigningKeyFile.PROPERTY);
    if (file != null && !file.isEmpty()) {
      return ModelSigning.key(SigningKeyFile.read(Path.of(file)));
    }
    String fromEnv = env.get(ENV);
    return fromEnv == null || fromEnv.isEmpty() ? null : ModelSigning.key(fromEnv);
  }
}
