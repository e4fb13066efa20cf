package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FoldsTest {

  private static final List<String> LABELS = List.of("common", "middle", "rare");
  private static final LabelledSet SET =
      SyntheticSets.clusters(LABELS, new int[] {503, 120, 17}, 4, 0.1, 1, 2, "x");

  @Test
  void everyFoldHoldsEachClassInProportion() {
    Folds folds = Folds.stratified(SET, 5, 7);

    int[] total = SET.classCounts();
    for (int f = 0; f < folds.count(); f++) {
      int[] counts = SET.subset(folds.test(f)).classCounts();
      for (int c = 0; c < LABELS.size(); c++) {
        assertThat((double) counts[c])
            .isBetween(Math.floor(total[c] / 5.0), Math.ceil(total[c] / 5.0));
      }
    }
  }

  @Test
  void eachExampleIsTestedExactlyOnceAndNeverTrainedOnInItsFold() {
    Folds folds = Folds.stratified(SET, 5, 7);

    int[] tested = new int[SET.size()];
    for (int f = 0; f < folds.count(); f++) {
      int[] test = folds.test(f);
      int[] train = folds.train(f);
      assertThat(test.length + train.length).isEqualTo(SET.size());
      assertThat(IntStream.of(train).boxed().toList())
          .doesNotContainAnyElementsOf(IntStream.of(test).boxed().toList());
      for (int i : test) {
        tested[i]++;
      }
    }
    assertThat(tested).containsOnly(1);
  }

  @Test
  void sameSeedSameFoldsOtherSeedOtherFolds() {
    int[] a = foldsOf(Folds.stratified(SET, 5, 7));
    int[] b = foldsOf(Folds.stratified(SET, 5, 7));
    int[] c = foldsOf(Folds.stratified(SET, 5, 8));

    assertThat(a).isEqualTo(b);
    assertThat(Arrays.equals(a, c)).isFalse();
  }

  private static int[] foldsOf(Folds folds) {
    return IntStream.range(0, SET.size()).map(folds::foldOf).toArray();
  }
}
