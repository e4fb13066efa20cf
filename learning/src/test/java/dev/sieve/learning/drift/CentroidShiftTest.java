package dev.sieve.learning.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CentroidShiftTest {

  private static final int DIM = 32;
  private static final int N = 2_000;

  @Test
  void sameDistributionGivesNearZeroDistance() {
    Random random = new Random(21);
    double[] centre = unitCentre(random);
    CentroidShift shift = new CentroidShift(DIM);

    for (int i = 0; i < N; i++) {
      shift.addReference(noisyUnit(random, centre));
      shift.addWindow(noisyUnit(random, centre));
    }

    assertThat(shift.distance()).isBetween(0.0, 0.01).isLessThan(CentroidShift.DEFAULT_THRESHOLD);
  }

  @Test
  void rotatedDistributionGivesLargeDistance() {
    Random random = new Random(22);
    double[] centre = unitCentre(random);
    double[] rotated = rotateInFirstPlane(centre, Math.PI / 2);
    CentroidShift shift = new CentroidShift(DIM);

    for (int i = 0; i < N; i++) {
      shift.addReference(noisyUnit(random, centre));
      shift.addWindow(noisyUnit(random, rotated));
    }

    assertThat(shift.distance()).isGreaterThan(0.2).isGreaterThan(CentroidShift.DEFAULT_THRESHOLD);
  }

  @Test
  void resetWindowKeepsTheReference() {
    Random random = new Random(23);
    double[] centre = unitCentre(random);
    CentroidShift shift = new CentroidShift(DIM);
    for (int i = 0; i < N; i++) {
      shift.addReference(noisyUnit(random, centre));
      shift.addWindow(noisyUnit(random, rotateInFirstPlane(centre, Math.PI)));
    }

    shift.resetWindow();
    for (int i = 0; i < N; i++) {
      shift.addWindow(toFloat(noisyUnit(random, centre)));
    }

    assertThat(shift.referenceCount()).isEqualTo(N);
    assertThat(shift.windowCount()).isEqualTo(N);
    assertThat(shift.distance()).isLessThan(0.01);
  }

  @Test
  void rejectsWrongDimensionAndEmptyState() {
    CentroidShift shift = new CentroidShift(DIM);

    assertThatThrownBy(shift::distance).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> shift.addWindow(new double[DIM + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension");
  }

  /** A random direction with a strong component in the first plane so a rotation there moves it. */
  private static double[] unitCentre(Random random) {
    double[] v = new double[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = 0.2 * random.nextGaussian();
    }
    v[0] += 1;
    v[1] += 1;
    return normalise(v);
  }

  /** A unit vector near {@code centre}, like a sentence embedding of a text on one topic. */
  private static double[] noisyUnit(Random random, double[] centre) {
    double[] v = new double[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = centre[i] + 0.15 * random.nextGaussian();
    }
    return normalise(v);
  }

  private static double[] rotateInFirstPlane(double[] v, double angle) {
    double[] r = v.clone();
    r[0] = Math.cos(angle) * v[0] - Math.sin(angle) * v[1];
    r[1] = Math.sin(angle) * v[0] + Math.cos(angle) * v[1];
    return r;
  }

  private static double[] normalise(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < v.length; i++) {
      v[i] /= norm;
    }
    return v;
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
