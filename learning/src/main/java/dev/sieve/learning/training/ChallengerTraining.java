package dev.sieve.learning.training;

import dev.sieve.schemas.ModelVersion;
import java.io.Serializable;

/**
 * One retraining of a classifier against its champion, as the Flink job sees it: the labelled set
 * in, either a signed version to publish or the reason not to out. A small interface so the job's
 * trigger logic is tested with a plain-Java fake. The job runs {@code CandidateRetraining}; {@link
 * SignedRetraining} (one SGD head on the champion's network) is the lighter one retrain-trigger's
 * integration tests run.
 */
public interface ChallengerTraining extends Serializable {

  /**
   * What a training decided. {@code published} is the signed next version, or null when the
   * challenger did not earn publication; {@code decision} says why, in words, either way.
   */
  record Result(ModelVersion published, String decision) {}

  /**
   * Trains a challenger on {@code set} (in the label order the version will declare) and decides
   * whether it replaces {@code champion} ({@link PublishDecision}).
   *
   * @param trigger why the training runs ({@code new-labels}, {@code drift}, {@code manual}…)
   * @param nowMs the version's creation time
   */
  Result train(LabelledSet set, ModelVersion champion, String trigger, long nowMs);

  /** Called once where the training runs, before the first one (reads keys, for example). */
  default void open() {}

  /**
   * Called once when the job stops: releases what {@link #train} loaded (networks, for example).
   */
  default void close() {}
}
