package dev.sieve.tools.eval;

import dev.sieve.learning.training.CrossValidation;
import dev.sieve.learning.training.HeadTrainer;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.LinearHead;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The learner before candidate selection ({@code --learner head-trainer}): {@link HeadTrainer}'s
 * settings grid cross-validated on the primary network's embeddings (lowest class-balanced
 * log-loss), the winner trained on every label. Kept to compare with the figures measured with it;
 * retrain-trigger itself runs {@link CandidateLearner}'s selection. Every retraining is adopted (no
 * publish decision), and the ONNX export is skipped: the exported head computes the same function
 * as the {@link LinearHead}.
 */
final class HeadTrainerLearner implements AlLearner {

  private final CrossValidation cv = CrossValidation.defaults();
  private final List<HeadTrainer.Settings> grid = HeadTrainer.DEFAULT_GRID;
  private final AlDataset data;

  HeadTrainerLearner(AlDataset data) {
    this.data = data;
  }

  @Override
  public Optional<Trained> train(int[] labelled) {
    if (!AlLearner.enough(labelled, data.trainY(), data.labels().size())) {
      return Optional.empty();
    }
    LabelledSet.Builder builder = LabelledSet.builder().labelOrder(data.labels());
    for (int i : labelled) {
      builder.add(data.trainIds().get(i), data.labels().get(data.trainY()[i]), data.trainX()[i]);
    }
    LabelledSet set = builder.build();
    HeadTrainer.Prepared prepared = HeadTrainer.prepare(set, grid.get(0).classWeighting());
    CrossValidation.Selection selection = cv.select(grid, prepared, cv.folds(set));
    // No out-of-fold predictions: the replay adopts every retraining of this learner.
    LinearHead head =
        HeadTrainer.fit(prepared, IntStream.range(0, set.size()).toArray(), selection.best());
    return Optional.of(
        new Trained(
            head.probabilities(data.trainX()),
            head.predict(data.testX()),
            selection.best().toString(),
            null));
  }
}
