package dev.sieve.model;

import dev.sieve.schemas.ModelVersion;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Digests and signatures of model versions. A version is signed as a whole: Ed25519 (the JDK's
 * {@code java.security} provider) over its <em>canonical bytes</em>, a versioned, length-prefixed
 * encoding of every field that decides what a prediction means — classifier, version, parent,
 * labels and label descriptions in order, head format, head digest (SHA-256 of the head bytes),
 * embedding network id and digest, creation time, the signing key's id, and what the head reads
 * (features and the lexical featuriser's digest, when there are any). Changing any of them (a head
 * replayed as a higher version, under another classifier's name, with its labels swapped or with
 * another parent) breaks the signature. Only holders of a private key (retrain-trigger, {@code
 * classifier create}, {@code rollback}) can sign; the inference job and retrain-trigger hold only
 * public keys ({@link TrustedKeys}).
 *
 * <p>The encoding ({@link #DOMAIN}, documented in model/README.md): the UTF-8 domain string, then
 * in this order: classifier, version, parent, labels, label descriptions, head format, digest,
 * embedding model id, embedding model digest, created-at, key id, and — only when the version's
 * {@code features} are not empty or it has a {@code featuriser} — the features and the SHA-256
 * (hex) of the featuriser bytes (null when absent). A string is a 4-byte big-endian length followed
 * by its UTF-8 bytes (length -1 for a null); an int is 4 bytes big-endian, a long 8; the parent is
 * one byte 0 (absent) or 1 followed by the int; a list is its 4-byte count followed by its strings.
 * The digest is lower-cased before encoding. The metrics, reason and training time are not signed:
 * they describe a version but do not change what it predicts.
 */
public final class ModelSigning {

  /** The domain-separation prefix and version of the canonical encoding. */
  public static final String DOMAIN = "sieve-model-version-v1";

  /** The JDK signature algorithm. */
  public static final String ALGORITHM = "Ed25519";

  private static final HexFormat HEX = HexFormat.of();

  private ModelSigning() {}

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

  /** The canonical bytes of {@code v} that its signature covers (see the class comment). */
  public static byte[] canonicalBytes(ModelVersion v) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      string(out, DOMAIN);
      string(out, str(v.getClassifier()));
      out.writeInt(v.getVersion());
      if (v.getParentVersion() == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        out.writeInt(v.getParentVersion());
      }
      list(out, v.getLabels());
      list(out, v.getLabelDescriptions());
      string(out, str(v.getHeadFormat()));
      String digest = str(v.getDigest());
      string(out, digest == null ? null : digest.toLowerCase(Locale.ROOT));
      string(out, str(v.getEmbeddingModelId()));
      string(out, str(v.getEmbeddingModelDigest()));
      out.writeLong(v.getCreatedAtMs());
      string(out, str(v.getKeyId()));
      // Appended only for heads that read more than the embedding, so every version signed before
      // these fields existed still verifies; removing them from such a version breaks its
      // signature.
      String features = v.getFeatures() == null ? "" : v.getFeatures().toString();
      byte[] featuriser = ModelVersions.featuriserBytes(v);
      if (!features.isEmpty() || featuriser != null) {
        string(out, features);
        string(out, featuriser == null ? null : sha256Hex(featuriser));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /** The Ed25519 signature (lowercase hex, 128 digits) of {@code v}'s canonical bytes. */
  public static String sign(ModelVersion v, PrivateKey key) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key);
      signer.update(canonicalBytes(v));
      return HEX.formatHex(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + ALGORITHM + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code v}'s signature is {@code key}'s over its canonical bytes. */
  public static boolean verify(ModelVersion v, PublicKey key) {
    String signature = v.getSignature() == null ? null : v.getSignature().toString();
    if (signature == null || signature.length() != 128) {
      return false;
    }
    byte[] raw;
    try {
      raw = HEX.parseHex(signature.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update(canonicalBytes(v));
      return verifier.verify(raw);
    } catch (GeneralSecurityException e) {
      return false; // a malformed signature is a bad one
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String str(CharSequence s) {
    return s == null ? null : s.toString();
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static void list(DataOutputStream out, List<? extends CharSequence> items)
      throws IOException {
    if (items == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(items.size());
    for (CharSequence item : items) {
      string(out, str(item));
    }
  }
}
