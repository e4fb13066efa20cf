package dev.sieve.model;

import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;

/**
 * Helpers for {@link ModelVersion} records: fill in the digest and signature when publishing, and
 * read the head bytes without disturbing the record's buffer.
 */
public final class ModelVersions {

  private ModelVersions() {}

  /**
   * Sets {@code digest} (SHA-256 of the head) and {@code signature} (HMAC over the digest) on the
   * builder, which must already hold the head, and builds the record.
   */
  public static ModelVersion signed(ModelVersion.Builder builder, byte[] key) {
    if (!builder.hasHead()) {
      throw new IllegalArgumentException("set the head bytes before signing");
    }
    String digest = ModelSigning.sha256Hex(bytes(builder.getHead()));
    return builder.setDigest(digest).setSignature(ModelSigning.sign(key, digest)).build();
  }

  /** A copy of the head bytes; the record's buffer position is left alone. */
  public static byte[] headBytes(ModelVersion version) {
    return bytes(version.getHead());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }
}
