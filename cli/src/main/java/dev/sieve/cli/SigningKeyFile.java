package dev.sieve.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The file that holds a deployment's model-signing secret, readable by its owner only. {@code
 * ./sieve up} generates one on its first start and names it in its settings file; the publishing
 * commands read it from there. Kept to this one class so that the move from a shared HMAC secret to
 * an Ed25519 key pair changes a single place.
 */
public final class SigningKeyFile {

  /** The property that names the key file in a settings file. */
  public static final String PROPERTY = "sieve.model.signing.key.file";

  private static final int SECRET_BYTES = 32;

  private SigningKeyFile() {}

  /**
   * The secret in {@code file}, generating it first (32 random bytes, base64url, permissions {@code
   * rw-------} from creation on) when the file does not exist.
   */
  public static String readOrCreate(Path file) {
    if (!Files.exists(file)) {
      byte[] secret = new byte[SECRET_BYTES];
      new SecureRandom().nextBytes(secret);
      String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, encoded + "\n", StandardCharsets.US_ASCII);
      } catch (FileAlreadyExistsException raced) {
        // another process created it meanwhile: read theirs
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the model signing key " + file, e);
      }
    }
    return read(file);
  }

  /** The secret in {@code file}; fails with a clear message when it is missing or empty. */
  public static String read(Path file) {
    String secret;
    try {
      secret = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new CliException("cannot read the model signing key " + file + ": " + e);
    }
    if (secret.isEmpty()) {
      throw new CliException("the model signing key file " + file + " is empty");
    }
    return secret;
  }
}
