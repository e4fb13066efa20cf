package dev.sieve.tools.eval;

import dev.sieve.learning.training.CrossValidation;
import dev.sieve.learning.training.HeadTrainer;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.LinearHead;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Trains a head the way retrain-trigger does: nothing until every class has {@link
 * CrossValidation#MIN_EXAMPLES_PER_CLASS} labels (the job keeps serving the previous version), then
 * the settings grid cross-validated on the labelled set and the winner trained on all of it with
 * {@link HeadTrainer}. The ONNX export and its check are skipped: the exported head computes the
 * same function as the {@link LinearHead} (retrain-trigger's tests hold them equal), and the replay
 * trains hundreds of times.
 */
final class JobHeadTraining {

  private final CrossValidation cv = CrossValidation.defaults();
  private final List<HeadTrainer.Settings> grid = HeadTrainer.DEFAULT_GRID;

  /** The new head, or empty while some class has too few labels to train on. */
  Optional<LinearHead> train(LabelledSet set) {
    for (int count : set.classCounts()) {
      if (count < CrossValidation.MIN_EXAMPLES_PER_CLASS) {
        return Optional.empty();
      }
    }
    HeadTrainer.Prepared prepared = HeadTrainer.prepare(set, grid.get(0).classWeighting());
    HeadTrainer.Settings best = cv.select(grid, prepared, cv.folds(set)).best();
    int[] all = IntStream.range(0, set.size()).toArray();
    return Optional.of(HeadTrainer.fit(prepared, all, best));
  }
}
