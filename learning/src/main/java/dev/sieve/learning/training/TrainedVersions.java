package dev.sieve.learning.training;

import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.model.VersionReason;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns a published retraining into the signed {@link ModelVersion} record for the compacted {@code
 * sieve.models} topic: the head in the set's label order, the embedding network it was trained on,
 * the challenger's cross-validated metrics, the reason ({@link VersionReason}: trigger, decision,
 * settings) and the training time. The digest and Ed25519 signature over the whole version come
 * from {@link ModelVersions#signed}, the same code the inference side verifies against.
 */
public final class TrainedVersions {

  private TrainedVersions() {}

  /** Identity and provenance of the version to build. */
  public record Meta(
      String classifier,
      int version,
      Integer parentVersion,
      List<String> labelDescriptions,
      String embeddingModelId,
      String embeddingModelDigest,
      String trigger,
      long createdAtMs) {}

  /** The signed record; throws if the outcome was not to publish. */
  public static ModelVersion of(
      Retrainer.Outcome outcome, List<String> labels, Meta meta, SigningKey key) {
    if (!outcome.decision().publish() || outcome.head() == null) {
      throw new IllegalArgumentException(
          "the retraining decided not to publish: " + outcome.decision().reason());
    }
    if (!outcome.head().head().labels().equals(labels)) {
      throw new IllegalArgumentException(
          "labels " + labels + " differ from the head's " + outcome.head().head().labels());
    }
    ModelVersion.Builder builder =
        ModelVersion.newBuilder()
            .setClassifier(meta.classifier())
            .setVersion(meta.version())
            .setParentVersion(meta.parentVersion())
            .setLabels(labels)
            .setLabelDescriptions(
                meta.labelDescriptions() == null ? List.of() : meta.labelDescriptions())
            .setHeadFormat("onnx")
            .setHead(ByteBuffer.wrap(outcome.head().onnx().clone()))
            .setEmbeddingModelId(meta.embeddingModelId())
            .setEmbeddingModelDigest(meta.embeddingModelDigest())
            .setMetrics(
                outcome
                    .challenger()
                    .pooled()
                    .toModelMetrics(outcome.trainingSize(), outcome.folds()))
            .setReason(
                VersionReason.trained(
                    meta.trigger(),
                    outcome.decision().reason(),
                    String.valueOf(outcome.settings())))
            .setTrainingMs(outcome.trainingMs())
            .setCreatedAtMs(meta.createdAtMs())
            .setDigest("")
            .setSignature(null);
    return ModelVersions.signed(builder, key);
  }
}
