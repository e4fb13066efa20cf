package dev.sieve.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Map;

/**
 * An Ed25519 key pair that signs model versions: what the publishers (retrain-trigger, {@code
 * classifier create}, {@code rollback}) hold. Its private key file holds two PEM blocks, the PKCS#8
 * {@code PRIVATE KEY} and the X.509 {@code PUBLIC KEY} (so the key id is known without deriving the
 * public key); the public key file holds only the second. The private key never appears in {@link
 * #toString()}; it is read from a file or an environment variable, never from a program argument.
 */
public final class SigningKey {

  /** The environment variable a publisher may take its private key's PEM text from. */
  public static final String ENV = "SIEVE_MODEL_SIGNING_KEY";

  private static final byte[] CHECK = "sieve-key-pair-check".getBytes(StandardCharsets.US_ASCII);

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = TrustedKeys.keyId(publicKey);
  }

  /** A fresh key pair from the JDK's {@code SecureRandom}. */
  public static SigningKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(ModelSigning.ALGORITHM).generateKeyPair();
      return new SigningKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is missing from this JVM", e);
    }
  }

  /** The key in a private key file; fails with a message that names the file. */
  public static SigningKey read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the model signing key " + file + ": " + e);
    }
    return parse(text, "the model signing key file " + file);
  }

  /** The key in {@link #ENV}, or null when it is unset or empty. */
  public static SigningKey fromEnvironment(Map<String, String> env) {
    String text = env.get(ENV);
    return text == null || text.isBlank() ? null : parse(text, "the environment variable " + ENV);
  }

  /** Parses a private key file's text; {@code source} names where it came from in messages. */
  public static SigningKey parse(String text, String source) {
    KnownSampleKeys.refuse(text, null, source);
    byte[] privateDer = Pem.decode(Pem.PRIVATE, text);
    byte[] publicDer = Pem.decode(Pem.PUBLIC, text);
    if (privateDer == null || publicDer == null) {
      throw new IllegalArgumentException(
          source
              + " is not an Ed25519 signing key (a PEM PRIVATE KEY block followed by its PUBLIC"
              + " KEY block, as `sieve keys generate` writes). A file from before Sieve signed"
              + " with Ed25519 holds a shared secret: move it away and generate a key pair");
    }
    SigningKey key;
    try {
      KeyFactory factory = KeyFactory.getInstance(ModelSigning.ALGORITHM);
      key =
          new SigningKey(
              factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer)),
              TrustedKeys.decode(publicDer));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          source + " does not hold an Ed25519 key pair: " + e.getMessage(), e);
    }
    KnownSampleKeys.refuse(null, key.keyId, source);
    if (!key.matches()) {
      throw new IllegalArgumentException(
          source + ": its private and public keys do not belong together");
    }
    return key;
  }

  private boolean matches() {
    try {
      Signature s = Signature.getInstance(ModelSigning.ALGORITHM);
      s.initSign(privateKey);
      s.update(CHECK);
      byte[] signature = s.sign();
      s.initVerify(publicKey);
      s.update(CHECK);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** First 16 hex digits of the SHA-256 of the X.509-encoded public key. */
  public String keyId() {
    return keyId;
  }

  /** The private key file's text: PKCS#8 private key, then the public key, both PEM. */
  public String privatePem() {
    return Pem.encode(Pem.PRIVATE, privateKey.getEncoded()) + publicPem();
  }

  /** The public key file's text (X.509 SubjectPublicKeyInfo, PEM). */
  public String publicPem() {
    return Pem.encode(Pem.PUBLIC, publicKey.getEncoded());
  }

  /**
   * The public key inline: base64 of its X.509 encoding (what {@code --model-trusted-keys} takes).
   */
  public String publicBase64() {
    return java.util.Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  /** The public half, as a trusted key. */
  public TrustedKeys trusted() {
    return TrustedKeys.of(publicKey);
  }

  @Override
  public String toString() {
    return "SigningKey[" + keyId + ", private key ******]";
  }
}
