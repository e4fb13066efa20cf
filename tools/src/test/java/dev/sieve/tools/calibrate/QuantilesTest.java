package dev.sieve.tools.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QuantilesTest {

  @Test
  void interpolatesBetweenOrderStatisticsLikeNumpy() {
    // numpy.quantile([1, 2, 3, 4, 10], [0.5, 0.95, 0.99]) = 3, 8.8, 9.76
    Quantiles q = Quantiles.of(new double[] {10, 3, 1, 4, 2});

    assertThat(q.count()).isEqualTo(5);
    assertThat(q.min()).isEqualTo(1);
    assertThat(q.median()).isEqualTo(3);
    assertThat(q.p95()).isCloseTo(8.8, within(1e-12));
    assertThat(q.p99()).isCloseTo(9.76, within(1e-12));
    assertThat(q.max()).isEqualTo(10);
  }

  @Test
  void aSingleValueIsEveryQuantile() {
    Quantiles q = Quantiles.of(new double[] {0.25});

    assertThat(q.median()).isEqualTo(0.25);
    assertThat(q.p999()).isEqualTo(0.25);
  }

  @Test
  void doesNotReorderTheCallersArray() {
    double[] values = {3, 1, 2};

    Quantiles.of(values);

    assertThat(values).containsExactly(3, 1, 2);
  }

  @Test
  void countsOnlyValuesStrictlyAboveTheThreshold() {
    assertThat(Quantiles.countAbove(new double[] {0.1, 0.2, 0.2, 0.3}, 0.2)).isEqualTo(1);
  }

  @Test
  void refusesAnEmptySample() {
    assertThatThrownBy(() -> Quantiles.of(new double[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsFourSignificantDigitsWithoutTrailingZeros() {
    assertThat(Quantiles.fmt(0.030)).isEqualTo("0.03");
    assertThat(Quantiles.fmt(0.0953612)).isEqualTo("0.09536");
    assertThat(Quantiles.fmt(20.0)).isEqualTo("20");
    assertThat(Quantiles.fmt(2.82e-5)).isEqualTo("2.820e-05");
    assertThat(Quantiles.fmt(0)).isEqualTo("0");
  }
}
