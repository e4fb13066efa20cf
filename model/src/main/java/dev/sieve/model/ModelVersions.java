package dev.sieve.model;

import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Helpers for {@link ModelVersion} records: fill in the digest, key id and signature when
 * publishing, and read the head bytes without disturbing the record's buffer.
 */
public final class ModelVersions {

  private ModelVersions() {}

  /**
   * Sets {@code digest} (SHA-256 of the head), {@code keyId} and {@code signature} (Ed25519 over
   * the canonical bytes of the whole version: {@link ModelSigning}) on the builder, which must
   * already hold every signed field, and builds the record.
   */
  public static ModelVersion signed(ModelVersion.Builder builder, SigningKey key) {
    if (!builder.hasHead()) {
      throw new IllegalArgumentException("set the head bytes before signing");
    }
    ModelBounds.requireClassifierName(builder.getClassifier());
    String digest = ModelSigning.sha256Hex(bytes(builder.getHead()));
    ModelVersion version =
        builder.setDigest(digest).setKeyId(key.keyId()).setSignature(null).build();
    version.setSignature(ModelSigning.sign(version, key.privateKey()));
    return version;
  }

  /**
   * A signed zero-shot version of a classifier (the cold start: docs/architecture.md): its head
   * scores texts by similarity to the label descriptions, embedded by {@code embedder}, so
   * predictions and uncertainty exist before any label.
   *
   * @param descriptions one per label, or empty to describe each label by its name
   */
  public static ModelVersion zeroShot(
      String classifier,
      int version,
      List<String> labels,
      List<String> descriptions,
      SentenceEmbedder embedder,
      SigningKey key) {
    byte[] head =
        ZeroShotHead.build(embedder, labels, descriptions, ZeroShotHead.DEFAULT_TEMPERATURE);
    return signed(
        ModelVersion.newBuilder()
            .setClassifier(classifier)
            .setVersion(version)
            .setParentVersion(null)
            .setLabels(labels)
            .setLabelDescriptions(descriptions)
            .setHead(ByteBuffer.wrap(head))
            .setEmbeddingModelId(embedder.modelId())
            .setEmbeddingModelDigest(embedder.modelDigest())
            .setReason("zero-shot")
            .setCreatedAtMs(System.currentTimeMillis()),
        key);
  }

  /** A copy of the head bytes; the record's buffer position is left alone. */
  public static byte[] headBytes(ModelVersion version) {
    return bytes(version.getHead());
  }

  /** A copy of the lexical featuriser's parameters, or null when the version has none. */
  public static byte[] featuriserBytes(ModelVersion version) {
    return version.getFeaturiser() == null ? null : bytes(version.getFeaturiser());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }
}
