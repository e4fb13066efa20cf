package dev.sieve.learning.training;

import ai.onnxruntime.OrtException;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.model.SigningKeySource;
import dev.sieve.schemas.ModelVersion;
import java.util.List;

/**
 * A light {@link ChallengerTraining}, the one retrain-trigger's integration tests run (the job runs
 * {@code CandidateRetraining}): {@link Retrainer} (the SGD grid × 5 stratified folds on the
 * champion's network, champion scored by its own ONNX head on the same folds, publish decision with
 * the configured margin) and, when it publishes, {@link TrainedVersions}: version = champion + 1,
 * parent = champion, the champion's embedding network, metrics, reason and training time, signed
 * (Ed25519, the whole version) with the publisher's private key. It carries only where the key is
 * ({@link SigningKeySource}: a file or an environment variable) and reads it on first use, on the
 * task manager; the key is never printed. A champion at {@code Integer.MAX_VALUE} has no next
 * version: the training fails with that reason and the champion keeps serving.
 *
 * <p>Its decision is not the job's: the champion is scored on the folds of every label, its own
 * training labels included, which favours it ({@link PublishDecision#onNewLabels} is what {@code
 * CandidateRetraining} decides on); the job's own decision is tested by {@code
 * CandidateRetrainingTest}, {@code PublishDecisionTest} and e2e-tests' {@code
 * RetrainToInferenceIT}.
 */
public final class SignedRetraining implements ChallengerTraining {

  private static final long serialVersionUID = 1L;

  private final double margin;
  private final SigningKeySource keySource;
  private transient SigningKey key;

  public SignedRetraining(double margin, SigningKeySource keySource) {
    if (keySource == null) {
      throw new IllegalArgumentException("a signing key is required");
    }
    this.margin = margin;
    this.keySource = keySource;
  }

  @Override
  public Result train(LabelledSet set, ModelVersion champion, String trigger, long nowMs) {
    int next = ModelBounds.nextVersion(champion.getClassifier(), champion.getVersion());
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
            next,
            champion.getVersion(),
            sameLabels ? champion.getLabelDescriptions() : List.of(),
            champion.getEmbeddingModelId(),
            champion.getEmbeddingModelDigest(),
            trigger,
            nowMs);
    ModelVersion version = TrainedVersions.of(outcome, set.labelOrder(), meta, key());
    return new Result(version, outcome.decision().reason());
  }

  /** Reads the key now, so a missing or refused key stops the job at its start. */
  @Override
  public void open() {
    key();
  }

  private SigningKey key() {
    if (key == null) {
      key = keySource.load();
    }
    return key;
  }

  @Override
  public String toString() {
    return "SignedRetraining{margin=" + margin + ", " + keySource + "}";
  }
}
