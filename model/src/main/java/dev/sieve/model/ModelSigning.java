package dev.sieve.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digests and signatures of model versions. The digest is the SHA-256 of the head bytes; the
 * signature is an HMAC-SHA256, keyed with the deployment's shared secret (the UTF-8 bytes of a
 * configured string), over the digest's lowercase hex string. Only holders of the secret (the
 * retrain job, the CLI) can publish a version the inference job will serve.
 */
public final class ModelSigning {

  private static final HexFormat HEX = HexFormat.of();

  private ModelSigning() {}

  /** The key bytes for a configured secret. */
  public static byte[] key(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("the model signing secret must not be empty");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  public static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256().digest(bytes));
  }

  static String sha256Hex(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      sha.update(buffer, 0, n);
    }
    return HEX.formatHex(sha.digest());
  }

  /** HMAC-SHA256 (hex) over the digest's lowercase hex string. */
  public static String sign(byte[] key, String digestHex) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HEX.formatHex(
          mac.doFinal(digestHex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Checks a signature in constant time (no early exit that would leak a matching prefix). */
  public static boolean verify(byte[] key, String digestHex, String signatureHex) {
    if (digestHex == null || signatureHex == null) {
      return false;
    }
    byte[] expected = sign(key, digestHex).getBytes(StandardCharsets.US_ASCII);
    byte[] given = signatureHex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
