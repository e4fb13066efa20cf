package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrossValidationTest {

  private static final List<String> LABELS = List.of("offensive", "not-offensive", "spam");
  // Same class centres (seed 21) for both sets: the champion was trained on earlier labels of
  // the same distribution.
  private static final LabelledSet SET =
      SyntheticSets.clusters(LABELS, new int[] {150, 300, 90}, 16, 0.3, 21, 22, "now");
  private static final LabelledSet EARLIER =
      SyntheticSets.clusters(LABELS, new int[] {150, 300, 90}, 16, 0.3, 21, 23, "earlier");

  @Test
  void challengerOnCorruptedLabelsLosesToAGoodChampionAndIsNotPublished() throws Exception {
    CrossValidation cv = new CrossValidation(5, 3, 2);
    try (OnnxHead champion =
        new OnnxHead(LABELS, HeadTrainer.train(EARLIER, HeadTrainer.DEFAULT).onnx())) {
      // The challenger's labeler moved 60 % of labels to the wrong class; both heads are
      // scored
      // against the true labels of the same folds.
      CrossValidation.Comparison comparison =
          cv.compare(
              train -> HeadTrainer.fit(SyntheticSets.corrupt(train, 0.6, 99), HeadTrainer.DEFAULT),
              champion,
              SET);

      PublishDecision decision =
          PublishDecision.decide(
              LABELS,
              comparison.challenger().pooled(),
              champion.labels(),
              comparison.champion().pooled(),
              PublishDecision.DEFAULT_MARGIN);

      assertThat(comparison.champion().macroF1()).isGreaterThan(0.9);
      assertThat(comparison.challenger().macroF1())
          .isLessThan(comparison.champion().macroF1() - 0.3);
      assertThat(comparison.folds()).isEqualTo(5);
      assertThat(decision.publish()).isFalse();
      assertThat(decision.reason()).startsWith("not better");
    }
  }

  @Test
  void championIsScoredOnTheSameFoldsAsTheChallenger() {
    CrossValidation cv = new CrossValidation(5, 3, 2);
    LinearHead fixed = HeadTrainer.fit(EARLIER, HeadTrainer.DEFAULT);

    CrossValidation.Comparison comparison =
        cv.compare(train -> HeadTrainer.fit(train, HeadTrainer.DEFAULT), fixed, SET);

    for (int f = 0; f < comparison.folds(); f++) {
      assertThat(comparison.champion().perFold().get(f).total())
          .isEqualTo(comparison.challenger().perFold().get(f).total());
    }
    assertThat(comparison.champion().pooled().total()).isEqualTo(SET.size());
  }

  @Test
  void parallelismDoesNotChangeTheFigures() {
    List<HeadTrainer.Settings> grid = HeadTrainer.DEFAULT_GRID;

    CrossValidation.Selection one =
        new CrossValidation(5, 3, 1).select(grid, SET, Folds.stratified(SET, 5, 3));
    CrossValidation.Selection two =
        new CrossValidation(5, 3, 2).select(grid, SET, Folds.stratified(SET, 5, 3));

    assertThat(two.best()).isEqualTo(one.best());
    assertThat(two.bestResult().pooled().confusion())
        .isDeepEqualTo(one.bestResult().pooled().confusion());
  }

  @Test
  void balancedLogLossAveragesEachClassMeanAsComputedByHand() {
    int[] truth = {0, 0, 1};
    float[][] p = {{0.5f, 0.5f}, {0.25f, 0.75f}, {0.1f, 0.9f}};

    // class 0: (ln 2 + ln 4) / 2; class 1: -ln 0.9; then the mean of the two classes.
    double expected = ((Math.log(2) + Math.log(4)) / 2 - Math.log(0.9f)) / 2;
    assertThat(CrossValidation.balancedLogLoss(truth, p, 2)).isCloseTo(expected, within(1e-6));
    // A class with no example does not count; a probability of 0 costs -ln(1e-6), not infinity.
    assertThat(CrossValidation.balancedLogLoss(new int[] {2}, new float[][] {{1, 0, 0}}, 3))
        .isCloseTo(-Math.log(CrossValidation.MIN_PROBABILITY), within(1e-9));
  }

  @Test
  void calibratedLogLossJudgesHowWellTheClassesAreSeparatedNotHowSure() {
    // A: always right, never sure (0.6). B: sure (0.9) and wrong on one row in ten.
    int[] truth = new int[20];
    float[][] unsure = new float[20][];
    float[][] sure = new float[20][];
    for (int i = 0; i < 20; i++) {
      truth[i] = i % 2;
      unsure[i] = truth[i] == 0 ? new float[] {0.6f, 0.4f} : new float[] {0.4f, 0.6f};
      boolean wrong = i < 2; // one row of each class
      sure[i] = truth[i] == 0 ^ wrong ? new float[] {0.9f, 0.1f} : new float[] {0.1f, 0.9f};
    }
    // raw log-loss prefers the sure head: -ln 0.6 = 0.51 against 0.9 x 0.105 + 0.1 x 2.303 = 0.33
    assertThat(CrossValidation.balancedLogLoss(truth, sure, 2))
        .isLessThan(CrossValidation.balancedLogLoss(truth, unsure, 2));
    // at its best temperature the always-right head is near 0; the sure one stays at its 0.33
    // (0.9 is already its calibrated confidence)
    assertThat(CrossValidation.calibratedBalancedLogLoss(truth, unsure, 2)).isLessThan(0.01);
    assertThat(CrossValidation.calibratedBalancedLogLoss(truth, sure, 2))
        .isCloseTo(CrossValidation.balancedLogLoss(truth, sure, 2), within(1e-3));
    // the same ranking at another scale gives the same calibrated loss
    float[][] sharper = new float[20][];
    for (int i = 0; i < 20; i++) {
      double z = 3 * Math.log(sure[i][1] / sure[i][0]);
      float p1 = (float) (1 / (1 + Math.exp(-z)));
      sharper[i] = new float[] {1 - p1, p1};
    }
    assertThat(CrossValidation.calibratedBalancedLogLoss(truth, sharper, 2))
        .isCloseTo(CrossValidation.calibratedBalancedLogLoss(truth, sure, 2), within(1e-3));
  }

  @Test
  void selectionKeepsTheGridPointWithTheLowestLogLossOfItsFolds() {
    // Noisy labels: the two learning rates of the grid disagree on how confident to be.
    LabelledSet noisy = SyntheticSets.corrupt(SET, 0.3, 7);
    List<HeadTrainer.Settings> grid = HeadTrainer.DEFAULT_GRID;
    Folds folds = Folds.stratified(noisy, 5, 3);

    CrossValidation.Selection selection = new CrossValidation(5, 3, 2).select(grid, noisy, folds);

    // Each grid point's log-loss, recomputed from its own fold heads.
    HeadTrainer.Prepared prepared = HeadTrainer.prepare(noisy, true);
    int[] y = noisy.labelIndices();
    double[] expected = new double[grid.size()];
    for (int g = 0; g < grid.size(); g++) {
      int[] truth = new int[noisy.size()];
      float[][] pooled = new float[noisy.size()][];
      int m = 0;
      for (int f = 0; f < folds.count(); f++) {
        LinearHead head = HeadTrainer.fit(prepared, folds.train(f), grid.get(g));
        float[][] p = head.probabilities(noisy.subset(folds.test(f)).embeddings());
        for (int j = 0; j < p.length; j++) {
          truth[m] = y[folds.test(f)[j]];
          pooled[m++] = p[j];
        }
      }
      expected[g] = CrossValidation.balancedLogLoss(truth, pooled, noisy.classCount());
      assertThat(selection.logLoss().get(g)).isCloseTo(expected[g], within(1e-9));
    }
    int lowest = expected[1] < expected[0] ? 1 : 0;
    assertThat(expected[0]).isNotEqualTo(expected[1]);
    assertThat(selection.best()).isEqualTo(grid.get(lowest));
    assertThat(selection.bestResult()).isSameAs(selection.all().get(lowest));
  }

  @Test
  void retrainerPublishesWithoutChampionAndNotAgainstItself() throws Exception {
    Retrainer retrainer =
        new Retrainer(new CrossValidation(5, 3, 2), HeadTrainer.DEFAULT_GRID, 0.01);

    Retrainer.Outcome first = retrainer.retrain(SET, null);
    assertThat(first.decision().publish()).isTrue();
    assertThat(first.head().onnx()).isNotEmpty();
    assertThat(first.trainingSize()).isEqualTo(SET.size());

    try (OnnxHead champion = new OnnxHead(SET.labelOrder(), first.head().onnx())) {
      Retrainer.Outcome second = retrainer.retrain(SET, champion);
      assertThat(second.decision().publish()).isFalse();
      assertThat(second.head()).isNull();
    }
  }
}
