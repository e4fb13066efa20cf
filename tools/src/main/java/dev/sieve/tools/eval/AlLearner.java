package dev.sieve.tools.eval;

import dev.sieve.learning.training.CrossValidation;
import java.util.Optional;

/**
 * What an active-learning replay retrains with: the labels so far in, a classifier that scores both
 * splits out. Like retrain-trigger, a learner trains nothing until every class has {@link
 * CrossValidation#MIN_EXAMPLES_PER_CLASS} labels (the job keeps serving the previous version).
 */
interface AlLearner {

  /**
   * Trains on the train rows {@code labelled} (indices into the train split, in the order they were
   * labelled: the order the folds are drawn from), or returns empty while some class has too few
   * labels.
   */
  Optional<Trained> train(int[] labelled);

  /**
   * A trained classifier applied to the dataset.
   *
   * @param trainProbabilities class probabilities of every train row: what the selector reads
   * @param testPredicted the predicted class of every test row: what the curve scores
   * @param chosen what was trained (a candidate name, or the trainer's settings)
   * @param outOfFold its prediction of each label (in the order given to {@link #train}) by the
   *     fold that did not train on it — what the job's publish decision compares with the
   *     champion's — or null when the learner does not say (then every retraining is adopted)
   */
  record Trained(
      float[][] trainProbabilities, int[] testPredicted, String chosen, int[] outOfFold) {}

  /** Whether every class has enough labels for a retraining. */
  static boolean enough(int[] labelled, int[] y, int classes) {
    int[] counts = new int[classes];
    for (int i : labelled) {
      counts[y[i]]++;
    }
    for (int count : counts) {
      if (count < CrossValidation.MIN_EXAMPLES_PER_CLASS) {
        return false;
      }
    }
    return true;
  }
}
