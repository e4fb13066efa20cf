package dev.sieve.model;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a model-signing key pair: {@code <name>.key} (private key and public key, PEM, readable by
 * its owner only: POSIX {@code rw-------} from creation on, elsewhere owner-only through {@link
 * File}) and {@code <name>.pub} (the public key, PEM, not secret). Never overwrites a key.
 */
public final class KeyPairFiles {

  /** The file names {@code sieve keys generate} and {@code sieve up} use. */
  public static final String DEFAULT_NAME = "model-signing";

  /** Where a pair was written. */
  public record Written(Path privateKey, Path publicKey, String keyId) {

    /** The signing key in {@link #privateKey()}. */
    public SigningKey signingKey() {
      return SigningKey.read(privateKey);
    }

    /** Job arguments: {@code --signing-key-file <private> --model-trusted-keys <public>}. */
    public String[] publisherArgs() {
      return new String[] {
        "--signing-key-file", privateKey.toString(), "--model-trusted-keys", publicKey.toString()
      };
    }
  }

  private KeyPairFiles() {}

  /**
   * {@code KeyPairFiles <dir> [name]}: the pair in {@code dir}, generated on the first call and
   * kept afterwards; prints the key id and the files, never the key (docker-compose's
   * model-keys-init).
   */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: KeyPairFiles <dir> [name]");
      System.exit(2);
    }
    Written written = readOrGenerate(Path.of(args[0]), args.length > 1 ? args[1] : DEFAULT_NAME);
    System.out.println(
        "model signing key "
            + written.keyId()
            + ": private "
            + written.privateKey()
            + ", public "
            + written.publicKey());
  }

  public static Path privateFile(Path dir, String name) {
    return dir.resolve(name + ".key");
  }

  public static Path publicFile(Path dir, String name) {
    return dir.resolve(name + ".pub");
  }

  /** Generates a fresh pair into {@code dir}; fails when either file exists. */
  public static Written generate(Path dir, String name) {
    Path privateKey = privateFile(dir, name);
    Path publicKey = publicFile(dir, name);
    if (Files.exists(privateKey) || Files.exists(publicKey)) {
      throw new IllegalStateException(
          "a key pair already exists at "
              + privateKey
              + " / "
              + publicKey
              + ": refusing to overwrite it (move it away first to replace it)");
    }
    SigningKey key = SigningKey.generate();
    try {
      Files.createDirectories(dir);
      writeOwnerOnly(privateKey, key.privatePem());
      Files.writeString(publicKey, key.publicPem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key pair into " + dir + ": " + e, e);
    }
    return new Written(privateKey, publicKey, key.keyId());
  }

  /**
   * A fresh pair in a new temporary directory, deleted when the JVM exits: for the demo, chaos and
   * bench runs and for tests, never for a deployment.
   */
  public static Written throwaway() {
    try {
      Path dir = Files.createTempDirectory("sieve-keys-");
      Written written = generate(dir, DEFAULT_NAME);
      dir.toFile().deleteOnExit();
      written.privateKey().toFile().deleteOnExit();
      written.publicKey().toFile().deleteOnExit();
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary key directory", e);
    }
  }

  /** The pair in {@code dir}, generated first when its private key file does not exist. */
  public static Written readOrGenerate(Path dir, String name) {
    Path privateKey = privateFile(dir, name);
    if (!Files.exists(privateKey)) {
      try {
        return generate(dir, name);
      } catch (IllegalStateException raced) {
        // another process wrote it meanwhile (or only the .pub is there): read what exists
      }
    }
    SigningKey key = SigningKey.read(privateKey);
    Path publicKey = publicFile(dir, name);
    if (!Files.exists(publicKey)) {
      try {
        Files.writeString(publicKey, key.publicPem(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + publicKey + ": " + e, e);
      }
    }
    return new Written(privateKey, publicKey, key.keyId());
  }

  private static void writeOwnerOnly(Path file, String text) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
      File f = file.toFile();
      boolean restricted =
          f.setReadable(false, false)
              && f.setReadable(true, true)
              && f.setWritable(false, false)
              && f.setWritable(true, true);
      if (!restricted) {
        Files.delete(file);
        throw new IOException("cannot make " + file + " readable by its owner only");
      }
    }
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }
}
