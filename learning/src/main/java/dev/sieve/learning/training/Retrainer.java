package dev.sieve.learning.training;

import java.util.List;

/**
 * One retraining, start to end, in plain Java so the Flink job only has to call it off the task
 * thread: cross-validate every grid point on the same stratified folds and keep the best, score the
 * champion on those folds, decide, and — only when publishing — train the chosen settings on the
 * whole set, export to ONNX and check the export. The chosen grid point's pooled fold metrics are
 * the version's metrics (slightly optimistic, having won a selection among a couple of candidates;
 * the margin absorbs that).
 */
public final class Retrainer {

  private final CrossValidation cv;
  private final List<HeadTrainer.Settings> grid;
  private final double margin;

  public Retrainer(CrossValidation cv, List<HeadTrainer.Settings> grid, double margin) {
    if (grid.isEmpty()) {
      throw new IllegalArgumentException("the settings grid is empty");
    }
    this.cv = cv;
    this.grid = List.copyOf(grid);
    this.margin = margin;
  }

  public static Retrainer defaults() {
    return new Retrainer(
        CrossValidation.defaults(), HeadTrainer.DEFAULT_GRID, PublishDecision.DEFAULT_MARGIN);
  }

  /**
   * What a retraining produced. {@code head} is null when the decision is not to publish; {@code
   * champion} is null when there is no comparable champion.
   */
  public record Outcome(
      PublishDecision decision,
      HeadTrainer.Settings settings,
      CrossValidation.Result challenger,
      CrossValidation.Result champion,
      HeadTrainer.TrainedHead head,
      int folds,
      int trainingSize,
      long trainingMs) {}

  /** Retrains on {@code set} against {@code champion} (null when there is none). */
  public Outcome retrain(LabelledSet set, Head champion) {
    long start = System.nanoTime();
    Folds folds = cv.folds(set);
    HeadTrainer.Prepared prepared = HeadTrainer.prepare(set, grid.get(0).classWeighting());
    CrossValidation.Selection selection = cv.select(grid, prepared, folds);
    CrossValidation.Result championResult =
        champion == null ? null : cv.score(champion, set, folds);
    PublishDecision decision =
        PublishDecision.decide(
            set.labelOrder(),
            selection.bestResult().pooled(),
            champion == null ? null : champion.labels(),
            championResult == null ? null : championResult.pooled(),
            margin);
    HeadTrainer.TrainedHead head =
        decision.publish() ? HeadTrainer.train(prepared, selection.best()) : null;
    long ms = (System.nanoTime() - start) / 1_000_000;
    return new Outcome(
        decision,
        selection.best(),
        selection.bestResult(),
        championResult,
        head,
        folds.count(),
        set.size(),
        ms);
  }
}
