package dev.sieve.learning.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamClustersTest {

  private static final int DIM = 16;

  /** A unit vector near axis {@code axis}: the axis plus Gaussian noise of the given scale. */
  static float[] near(int axis, double noise, Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) (noise * random.nextGaussian());
    }
    v[axis] += 1;
    return unit(v);
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  @Test
  void eventsOfOneTopicShareAClusterWhoseCentroidIsTheTopic() {
    var random = new Random(7);
    var state = new SelectorState();
    // Three topics, interleaved; k = 3 and the first three events are one of each.
    int[] clusterOf = new int[3];
    for (int t = 0; t < 3; t++) {
      clusterOf[t] = StreamClusters.observe(state, near(t, 0.1, random), 3);
    }
    assertThat(clusterOf).doesNotHaveDuplicates();
    for (int i = 0; i < 3_000; i++) {
      int topic = i % 3;
      assertThat(StreamClusters.observe(state, near(topic, 0.1, random), 3))
          .as("event %d of topic %d", i, topic)
          .isEqualTo(clusterOf[topic]);
    }
    for (int t = 0; t < 3; t++) {
      int offset = clusterOf[t] * DIM;
      float[] centroid = new float[DIM];
      System.arraycopy(state.centroids, offset, centroid, 0, DIM);
      float[] axis = new float[DIM];
      axis[t] = 1;
      assertThat(EmbeddingMemory.dot(unit(centroid), axis)).isGreaterThan(0.95);
      assertThat(state.clusterCount[clusterOf[t]]).isEqualTo(1_001);
    }
  }

  @Test
  void balanceFavoursClustersAskedLessThanTheirTrafficAndDensityTheBusyOnes() {
    var random = new Random(8);
    var state = new SelectorState();
    int busy = StreamClusters.observe(state, near(0, 0.05, random), 2);
    int quiet = StreamClusters.observe(state, near(1, 0.05, random), 2);
    for (int i = 0; i < 98; i++) {
      StreamClusters.observe(state, near(i % 10 == 0 ? 1 : 0, 0.05, random), 2);
    }
    // traffic: 89 busy, 11 quiet (the two seeds, then one quiet in ten of 98); every request so far
    // went to the busy cluster
    for (int i = 0; i < 8; i++) {
      StreamClusters.asked(state, busy);
    }
    double busyBalance = StreamClusters.weight(state, busy, Diversity.BALANCE, 1);
    double quietBalance = StreamClusters.weight(state, quiet, Diversity.BALANCE, 1);
    // smoothed shares: busy (90/102) / (9/10), quiet (12/102) / (1/10)
    assertThat(busyBalance).isCloseTo((90.0 / 102) / (9.0 / 10), within(1e-9));
    assertThat(quietBalance).isCloseTo((12.0 / 102) / (1.0 / 10), within(1e-9));
    assertThat(quietBalance).isGreaterThan(busyBalance);

    assertThat(StreamClusters.weight(state, busy, Diversity.DENSITY, 0.5))
        .isCloseTo(Math.sqrt(2 * 90.0 / 102), within(1e-9))
        .isGreaterThan(StreamClusters.weight(state, quiet, Diversity.DENSITY, 0.5));
    assertThat(StreamClusters.weight(state, quiet, Diversity.NONE, 1)).isEqualTo(1);
    assertThat(StreamClusters.weight(state, quiet, Diversity.BALANCE, 0)).isEqualTo(1);
  }

  @Test
  void countsAreHalvedSoTheSharesDescribeTheRecentStream() {
    var random = new Random(9);
    var state = new SelectorState();
    for (int i = 0; i < 3 * StreamClusters.HALF_LIFE_EVENTS; i++) {
      StreamClusters.observe(state, near(i % 2, 0.05, random), 2);
    }
    double total = state.clusterCount[0] + state.clusterCount[1];
    assertThat(total)
        .isLessThan(StreamClusters.HALF_LIFE_EVENTS)
        .isGreaterThanOrEqualTo(StreamClusters.HALF_LIFE_EVENTS / 2 - 1);
    assertThat(state.clusterCount[0]).isCloseTo(state.clusterCount[1], within(1.0));
  }

  @Test
  void anotherDimensionOrClusterCountStartsAfresh() {
    var random = new Random(10);
    var state = new SelectorState();
    for (int i = 0; i < 50; i++) {
      StreamClusters.observe(state, near(i % 4, 0.05, random), 4);
    }
    assertThat(state.clusters).isEqualTo(4);

    assertThat(StreamClusters.observe(state, new float[] {1, 0, 0}, 4)).isZero();
    assertThat(state.clusters).isEqualTo(1);
    assertThat(state.centroids).hasSize(12);
    assertThat(state.clusterCount).containsExactly(1, 0, 0, 0);

    StreamClusters.observe(state, new float[] {0, 1, 0}, 2);
    assertThat(state.clusterCount).containsExactly(1, 0);
  }
}
