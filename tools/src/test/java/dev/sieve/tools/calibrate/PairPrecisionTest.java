package dev.sieve.tools.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairPrecisionTest {

  // four pairs: two copies at high similarity, one different text at 0.96, one copy at 0.91
  private static final double[] SIMILARITY = {0.99, 0.97, 0.96, 0.91};
  private static final boolean[] NEAR_IDENTICAL = {true, true, false, true};
  private static final boolean[] SAME_LABEL = {true, true, false, false};
  private static final double[] GRID = {0.90, 0.95, 0.98};

  @Test
  void precisionIsTheNearIdenticalShareOfPairsAtOrAboveT() {
    List<PairPrecision.Row> rows =
        PairPrecision.table(SIMILARITY, NEAR_IDENTICAL, SAME_LABEL, GRID);

    assertThat(rows).extracting(PairPrecision.Row::pairs).containsExactly(4, 3, 1);
    assertThat(rows).extracting(PairPrecision.Row::precision).containsExactly(0.75, 2 / 3.0, 1.0);
    assertThat(rows).extracting(PairPrecision.Row::sameLabel).containsExactly(0.5, 2 / 3.0, 1.0);
  }

  @Test
  void theBandCountsOnlyPairsBelowTheNextGridPoint() {
    List<PairPrecision.Row> rows =
        PairPrecision.table(SIMILARITY, NEAR_IDENTICAL, SAME_LABEL, GRID);

    // [0.90, 0.95): the copy at 0.91; [0.95, 0.98): 0.97 copy and 0.96 different; [0.98, inf)
    assertThat(rows).extracting(PairPrecision.Row::bandPairs).containsExactly(1, 2, 1);
    assertThat(rows).extracting(PairPrecision.Row::bandPrecision).containsExactly(1.0, 0.5, 1.0);
  }

  @Test
  void recallIsTheShareOfAllNearIdenticalPairsThatReachT() {
    List<PairPrecision.Row> rows =
        PairPrecision.table(SIMILARITY, NEAR_IDENTICAL, SAME_LABEL, GRID);

    assertThat(rows).extracting(PairPrecision.Row::recall).containsExactly(1.0, 2 / 3.0, 1 / 3.0);
  }

  @Test
  void aThresholdNoPairReachesHasNoPrecision() {
    List<PairPrecision.Row> rows =
        PairPrecision.table(SIMILARITY, NEAR_IDENTICAL, SAME_LABEL, new double[] {0.995});

    assertThat(rows.get(0).pairs()).isZero();
    assertThat(rows.get(0).precision()).isNaN();
  }
}
