package dev.sieve.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.learning.selection.Diversity;
import dev.sieve.learning.selection.SelectionConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurveSummaryTest {

  /** A curve from (labels, macro-F1) pairs. */
  private static LearningCurve curve(String strategy, long seed, double... labelsAndF1) {
    List<LearningCurve.Point> points = new ArrayList<>();
    for (int i = 0; i < labelsAndF1.length; i += 2) {
      points.add(new LearningCurve.Point((int) labelsAndF1[i], labelsAndF1[i + 1]));
    }
    return new LearningCurve(strategy, seed, points);
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(CurveSummary.median(List.of(0.9, 0.1, 0.5))).isEqualTo(0.5);
    assertThat(CurveSummary.median(List.of(0.4, 0.1, 0.8, 0.6))).isEqualTo(0.5);
    assertThat(CurveSummary.median(List.of(0.7))).isEqualTo(0.7);
    assertThatThrownBy(() -> CurveSummary.median(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelsToTargetIsTheFirstLabelCountWhereTheMedianOverSeedsReachesIt() {
    // Target 0.9. Seed 3 reaches it alone at 20 (median 0.5: not yet); at 40 two seeds of three
    // are at or above it; the dip of the median at 60 does not move the answer.
    var curves =
        List.of(
            curve("active", 1, 0, 0.3, 20, 0.50, 40, 0.90, 60, 0.85, 80, 0.95),
            curve("active", 2, 0, 0.3, 20, 0.40, 40, 0.80, 60, 0.80, 80, 0.93),
            curve("active", 3, 0, 0.3, 20, 0.95, 40, 0.92, 60, 0.96, 80, 0.90));
    CurveSummary s = CurveSummary.of("active", curves, 0.9);

    assertThat(s.median()).containsEntry(20, 0.50).containsEntry(40, 0.90).containsEntry(60, 0.85);
    assertThat(s.labelsToTarget()).hasValue(40);
    assertThat(s.finalMacroF1()).isEqualTo(0.93);
    assertThat(s.seeds()).isEqualTo(3);
    assertThat(s.seedsReachingTarget()).as("seed 2 only at 80 labels, still counted").isEqualTo(3);
    // medians 0.3, 0.5, 0.9, 0.85, 0.93: the area under the median curve per label count
    assertThat(s.meanMacroF1()).isCloseTo((0.3 + 0.5 + 0.9 + 0.85 + 0.93) / 5, within(1e-12));
    assertThat(s.alLine("sms_spam"))
        .isEqualTo("AL dataset=sms_spam strategy=active labels_to_95pct=40 final_macro_f1=0.9300");
  }

  @Test
  void aTargetNeverReachedIsSaidSo() {
    var curves = List.of(curve("random", 1, 0, 0.2, 20, 0.6, 40, 0.7));
    CurveSummary s = CurveSummary.of("random", curves, 0.9);

    assertThat(s.labelsToTarget()).isEmpty();
    assertThat(s.seedsReachingTarget()).isZero();
    assertThat(s.alLine("emotion"))
        .isEqualTo(
            "AL dataset=emotion strategy=random labels_to_95pct=not-reached final_macro_f1=0.7000");
  }

  @Test
  void aLabelCountOnlySomeSeedsReachedUsesThoseSeeds() {
    // Seed 2's stream ran dry at 20 labels: 40 is the median of seeds 1 and 3 only.
    var curves =
        List.of(
            curve("active", 1, 0, 0.3, 20, 0.6, 40, 0.8),
            curve("active", 2, 0, 0.3, 20, 0.7),
            curve("active", 3, 0, 0.3, 20, 0.5, 40, 0.9));
    CurveSummary s = CurveSummary.of("active", curves, 0.85);

    assertThat(s.median()).containsEntry(20, 0.6);
    assertThat(s.median().get(40)).isCloseTo(0.85, within(1e-9));
    assertThat(s.labelsToTarget()).hasValue(40);
    assertThat(s.finalMacroF1()).isEqualTo(0.8); // each seed's last point: 0.8, 0.7, 0.9
  }

  @Test
  void csvHasOneRowPerPointOfEveryCurve(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("curves.csv");
    CurveSummary.writeCsv(
        file,
        List.of(curve("active", 1, 0, 0.5, 20, 0.91234), curve("random", 2, 0, 0.5, 20, 0.8)));

    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .isEqualTo(
            "strategy,seed,labels,macro_f1\n"
                + "active,1,0,0.5000\n"
                + "active,1,20,0.9123\n"
                + "random,2,0,0.5000\n"
                + "random,2,20,0.8000\n");
  }

  @Test
  void strategiesSpendTheSameBudgetDifferently() {
    SelectionConfig active = SelectionConfig.defaults().withBudget(0.03, 0);

    SelectionConfig random = AlStrategy.named("random", active).config();
    SelectionConfig marginOnly = AlStrategy.named("margin-only", active).config();

    assertThat(random.budgetFraction()).isEqualTo(0.03);
    assertThat(random.randomShare()).isEqualTo(1.0);
    assertThat(marginOnly.budgetFraction()).isEqualTo(0.03);
    assertThat(marginOnly.randomShare()).isZero();
    assertThat(marginOnly.rareClassBoost()).isZero();
    assertThat(marginOnly.coldStartLabels()).isZero();
    assertThat(marginOnly.duplicateSimilarity()).isEqualTo(active.duplicateSimilarity());
    assertThatThrownBy(() -> AlStrategy.named("greedy", active))
        .hasMessage(
            "unknown strategy 'greedy'; known: active[:setting=value...],"
                + " margin[:setting=value...], balance[:k:w], density[:k:w], random, margin-only");
    SelectionConfig balance = AlStrategy.named("balance:20:2", active).config();
    assertThat(balance.diversity()).isEqualTo(Diversity.BALANCE);
    assertThat(balance.clusters()).isEqualTo(20);
    assertThat(balance.diversityWeight()).isEqualTo(2.0);
    assertThat(balance.budgetFraction()).isEqualTo(0.03);
    assertThat(AlStrategy.named("balance", active).config().clusters())
        .isEqualTo(SelectionConfig.DEFAULT_CLUSTERS);
    assertThat(AlStrategy.named("margin", active.withDiversity(Diversity.BALANCE, 5, 1)).config())
        .extracting(SelectionConfig::diversity)
        .isEqualTo(Diversity.NONE);
    assertThatThrownBy(() -> AlStrategy.named("balance:many", active))
        .hasMessageContaining("balance:<clusters>:<weight>");
  }

  @Test
  void marginTakesSettingsByName() {
    SelectionConfig active = SelectionConfig.defaults().withBudget(0.03, 0);

    SelectionConfig split =
        AlStrategy.named("margin:random=0.5:jitter=1:boost=0:cold=3", active).config();

    assertThat(split.randomShare()).isEqualTo(0.5);
    assertThat(split.uncertaintyJitter()).isEqualTo(1.0);
    assertThat(split.rareClassBoost()).isZero();
    assertThat(split.coldStartLabels()).isEqualTo(3);
    assertThat(split.budgetFraction()).isEqualTo(0.03);
    assertThat(split.diversity()).isEqualTo(Diversity.NONE);
    // margin is plain margin sampling whatever the active default's jitter.
    assertThat(AlStrategy.named("margin", active.withUncertaintyJitter(0.5)).config())
        .extracting(SelectionConfig::uncertaintyJitter)
        .isEqualTo(0.0);
    assertThat(AlStrategy.named("margin", active).config().randomShare()).isEqualTo(0.1);
    assertThat(AlStrategy.named("active:random=0.5", active).config().randomShare()).isEqualTo(0.5);
    assertThatThrownBy(() -> AlStrategy.named("margin:luck=2", active))
        .hasMessageContaining("settings random, jitter, boost, cold");
    assertThatThrownBy(() -> AlStrategy.named("margin:random=lots", active))
        .hasMessageContaining("margin:<setting>=<number>");
  }

  @Test
  void eachSeedsOwnLabelCountAndTheRatioToRandom() {
    // Target 0.9: seed 1 reaches it at 40, seed 2 at 80, seed 3 at 20, seed 4 never.
    var balance =
        CurveSummary.of(
            "balance",
            List.of(
                curve("balance", 1, 0, 0.3, 20, 0.8, 40, 0.9, 60, 0.96, 80, 0.95),
                curve("balance", 2, 0, 0.3, 20, 0.8, 40, 0.8, 60, 0.85, 80, 0.92),
                curve("balance", 3, 0, 0.3, 20, 0.91, 40, 0.93, 60, 0.96, 80, 0.95),
                curve("balance", 4, 0, 0.3, 20, 0.5, 40, 0.6, 60, 0.7, 80, 0.8)),
            0.9);
    var random =
        CurveSummary.of(
            "random", List.of(curve("random", 1, 0, 0.3, 20, 0.5, 40, 0.7, 60, 0.8, 80, 0.9)), 0.9);
    var never = CurveSummary.of("never", List.of(curve("never", 1, 0, 0.3, 20, 0.5)), 0.9);

    assertThat(balance.seedLabelsToTarget()).containsExactly(20, 40, 80);
    assertThat(balance.perSeedText()).isEqualTo("40 [20-80]");
    // the median curve: 0.3, 0.8, 0.85, then 0.905 at 60 labels
    assertThat(balance.labelsToTarget()).hasValue(60);
    assertThat(balance.ratioText(random)).isEqualTo("0.75");
    assertThat(random.ratioText(random)).isEqualTo("1.00");
    assertThat(never.ratioText(random)).isEqualTo("-");
    assertThat(balance.ratioText(never)).isEqualTo("-");
    assertThat(never.perSeedText()).isEqualTo("-");
  }
}
