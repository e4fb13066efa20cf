package dev.sieve.model;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Ed25519 public keys a verifier trusts, by key id (the first 16 hex digits of the SHA-256 of
 * the X.509-encoded key). Several at once, so keys can rotate: trust old and new, switch the
 * publishers to the new key, and drop the old one once no served version is signed with it. Public
 * keys are not secret; this is serializable and carries only them.
 */
public final class TrustedKeys implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, byte[]> encoded; // key id → X.509 bytes
  private transient Map<String, PublicKey> keys;

  private TrustedKeys(Map<String, byte[]> encoded) {
    if (encoded.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted public key is required");
    }
    this.encoded = encoded;
  }

  public static TrustedKeys of(PublicKey... keys) {
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (PublicKey key : keys) {
      map.put(keyId(key), key.getEncoded());
    }
    return new TrustedKeys(map);
  }

  /**
   * Keys from {@code specs}, each a file holding one or more PEM {@code PUBLIC KEY} blocks (as
   * {@code sieve keys generate} writes), an inline PEM block, or the base64 of an X.509-encoded
   * key. A known sample key or a private key file is refused.
   */
  public static TrustedKeys parse(List<String> specs) {
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (String spec : specs) {
      if (spec == null || spec.isBlank()) {
        continue;
      }
      for (byte[] der : read(spec.strip())) {
        PublicKey key = decode(der);
        String id = keyId(key);
        KnownSampleKeys.refuse(null, id, "trusted key " + id);
        map.put(id, key.getEncoded());
      }
    }
    return new TrustedKeys(map);
  }

  /** {@link #parse(List)} of a comma-separated list (PEM and base64 hold no comma). */
  public static TrustedKeys parseList(String commaSeparated) {
    return parse(List.of(commaSeparated == null ? new String[0] : commaSeparated.split(",")));
  }

  private static List<byte[]> read(String spec) {
    String text = spec;
    String source = "the trusted key given inline";
    if (!spec.contains("-----BEGIN")) {
      Path file = asFile(spec);
      if (file != null) {
        source = "the trusted key file " + file;
        try {
          text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read " + source + ": " + e);
        }
      } else {
        try {
          byte[] der = Base64.getDecoder().decode(spec);
          decode(der); // a path that does not exist may still be valid base64
          return List.of(der);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "trusted key '"
                  + spec
                  + "' is neither a readable file nor a base64 X.509 Ed25519 public key nor a"
                  + " PEM block");
        }
      }
    }
    if (text.contains("PRIVATE KEY")) {
      throw new IllegalArgumentException(
          source
              + " holds a private key: a verifier needs only the public key (the .pub file of"
              + " `sieve keys generate`)");
    }
    List<byte[]> blocks = Pem.decodeAll(Pem.PUBLIC, text);
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no PEM PUBLIC KEY block");
    }
    return blocks;
  }

  private static Path asFile(String spec) {
    try {
      Path path = Path.of(spec);
      return Files.isRegularFile(path) ? path : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  static PublicKey decode(byte[] der) {
    try {
      return KeyFactory.getInstance(ModelSigning.ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** First 16 hex digits of the SHA-256 of the key's X.509 encoding. */
  public static String keyId(PublicKey key) {
    return HexFormat.of().formatHex(ModelSigning.sha256().digest(key.getEncoded()), 0, 8);
  }

  /** The trusted key with this id. */
  public Optional<PublicKey> key(String keyId) {
    if (keys == null) {
      Map<String, PublicKey> decoded = new LinkedHashMap<>();
      encoded.forEach((id, der) -> decoded.put(id, decode(der)));
      keys = decoded;
    }
    return Optional.ofNullable(keyId == null ? null : keys.get(keyId));
  }

  /** The trusted key ids, in the order given. */
  public Set<String> ids() {
    return Collections.unmodifiableSet(encoded.keySet());
  }

  @Override
  public String toString() {
    return "TrustedKeys" + encoded.keySet();
  }
}
