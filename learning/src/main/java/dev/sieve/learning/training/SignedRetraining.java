package dev.sieve.learning.training;

import ai.onnxruntime.OrtException;
import dev.sieve.model.ModelSigning;
import dev.sieve.model.ModelVersions;
import dev.sieve.schemas.ModelVersion;
import java.util.List;

/**
 * The real {@link ChallengerTraining}: {@link Retrainer} (grid × 5 stratified folds, champion
 * scored by its own ONNX head on the same folds, publish decision with the configured margin) and,
 * when it publishes, {@link TrainedVersions}: version = champion + 1, parent = champion, the
 * champion's embedding network, metrics, reason and training time, signed with the deployment's
 * key. The key is held as given and never printed.
 */
public final class SignedRetraining implements ChallengerTraining {

  private static final long serialVersionUID = 1L;

  private final double margin;
  private final String signingKey;

  public SignedRetraining(double margin, String signingKey) {
    if (signingKey == null || signingKey.isBlank()) {
      throw new IllegalArgumentException("a signing key is required");
    }
    this.margin = margin;
    this.signingKey = signingKey;
  }

  @Override
  public Result train(LabelledSet set, ModelVersion champion, String trigger, long nowMs) {
    Retrainer retrainer =
        new Retrainer(CrossValidation.defaults(), HeadTrainer.DEFAULT_GRID, margin);
    Retrainer.Outcome outcome;
    try (OnnxHead championHead =
        new OnnxHead(champion.getLabels(), ModelVersions.headBytes(champion))) {
      outcome = retrainer.retrain(set, championHead);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot load the champion head of " + champion.getClassifier() + ": " + e.getMessage(),
          e);
    }
    if (!outcome.decision().publish()) {
      return new Result(null, outcome.decision().reason());
    }
    // Descriptions belong to the champion's labels; with a new label set they no longer align.
    boolean sameLabels = set.labelOrder().equals(champion.getLabels());
    TrainedVersions.Meta meta =
        new TrainedVersions.Meta(
            champion.getClassifier(),
            champion.getVersion() + 1,
            champion.getVersion(),
            sameLabels ? champion.getLabelDescriptions() : List.of(),
            champion.getEmbeddingModelId(),
            champion.getEmbeddingModelDigest(),
            trigger,
            nowMs);
    ModelVersion version =
        TrainedVersions.of(outcome, set.labelOrder(), meta, ModelSigning.key(signingKey));
    return new Result(version, outcome.decision().reason());
  }

  @Override
  public String toString() {
    return "SignedRetraining{margin=" + margin + ", key=******}";
  }
}
