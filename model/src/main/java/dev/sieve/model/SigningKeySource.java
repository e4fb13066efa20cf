package dev.sieve.model;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where a publisher's private key is read from: a file, or the environment variable {@link
 * SigningKey#ENV}. Serializable so a job carries the source, never the key: the key is read where
 * it is used (on the task manager), and neither a job graph nor the Flink web UI holds it.
 *
 * @param file the private key file, or null for the environment variable
 */
public record SigningKeySource(String file) implements Serializable {

  public static SigningKeySource file(Path file) {
    return new SigningKeySource(file.toString());
  }

  public static SigningKeySource environment() {
    return new SigningKeySource(null);
  }

  /** Reads the key; fails with a message that names the file or variable. */
  public SigningKey load() {
    if (file != null) {
      return SigningKey.read(Path.of(file));
    }
    SigningKey key = SigningKey.fromEnvironment(System.getenv());
    if (key == null) {
      throw new IllegalArgumentException(
          "no model signing key: the environment variable " + SigningKey.ENV + " is not set");
    }
    return key;
  }

  @Override
  public String toString() {
    return file != null ? "key file " + file : "environment variable " + SigningKey.ENV;
  }
}
