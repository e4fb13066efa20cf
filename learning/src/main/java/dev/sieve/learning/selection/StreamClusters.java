package dev.sieve.learning.selection;

/**
 * Online k-means over a classifier's stream of L2-normalised embeddings, kept in {@link
 * SelectorState}'s public arrays (so that Flink stores it as part of the POJO) and driven by {@link
 * LabelSelector}. The first {@code k} events seed the centroids; each later event joins the
 * centroid of highest cosine similarity, which moves towards it by {@code 1 / n} (n = the events it
 * took, capped at {@link #MAX_STEP_COUNT} so that the centroids follow a drifting stream). Every
 * cluster counts its traffic and the requests asked in it; both are halved whenever the traffic
 * reaches {@link #HALF_LIFE_EVENTS}, so the shares describe the recent stream.
 */
public final class StreamClusters {

  /** A centroid never moves by less than 1/this of the distance to a new member. */
  static final int MAX_STEP_COUNT = 1_000;

  /** Counts are halved when the total traffic reaches this. */
  static final double HALF_LIFE_EVENTS = 20_000;

  private StreamClusters() {}

  /**
   * Assigns the embedding to its cluster (seeding a new centroid while fewer than {@code k} exist),
   * moves the centroid and counts the event.
   *
   * @return the cluster's index
   */
  static int observe(SelectorState state, float[] embedding, int k) {
    int d = embedding.length;
    if (state.clusterCount.length != k || state.centroids.length != k * d) {
      state.centroids = new float[k * d];
      state.clusterCount = new double[k];
      state.clusterAsked = new double[k];
      state.clusterSteps = new int[k];
      state.clusters = 0;
    }
    int c;
    if (state.clusters < k) {
      c = state.clusters++;
      System.arraycopy(embedding, 0, state.centroids, c * d, d);
      state.clusterSteps[c] = 1;
    } else {
      c = nearest(state, embedding);
      int n = Math.min(MAX_STEP_COUNT, ++state.clusterSteps[c]);
      float rate = 1f / n;
      int offset = c * d;
      for (int i = 0; i < d; i++) {
        state.centroids[offset + i] += rate * (embedding[i] - state.centroids[offset + i]);
      }
    }
    state.clusterCount[c]++;
    double total = 0;
    for (double count : state.clusterCount) {
      total += count;
    }
    if (total >= HALF_LIFE_EVENTS) {
      for (int i = 0; i < k; i++) {
        state.clusterCount[i] /= 2;
        state.clusterAsked[i] /= 2;
      }
    }
    return c;
  }

  /** Counts a request asked about an event of cluster {@code c}. */
  static void asked(SelectorState state, int c) {
    if (c >= 0 && c < state.clusterAsked.length) {
      state.clusterAsked[c]++;
    }
  }

  /**
   * The factor a candidate of cluster {@code c}'s uncertainty is multiplied by: 1 for {@link
   * Diversity#NONE}; for {@link Diversity#DENSITY} (traffic share x clusters)^weight; for {@link
   * Diversity#BALANCE} (traffic share / request share)^weight, both shares smoothed by one event so
   * that an empty cluster is finite.
   */
  static double weight(SelectorState state, int c, Diversity diversity, double weight) {
    if (diversity == Diversity.NONE || c < 0 || weight == 0) {
      return 1;
    }
    int k = state.clusterCount.length;
    double traffic = 0;
    double asked = 0;
    for (int i = 0; i < k; i++) {
      traffic += state.clusterCount[i];
      asked += state.clusterAsked[i];
    }
    double trafficShare = (state.clusterCount[c] + 1) / (traffic + k);
    return switch (diversity) {
      case DENSITY -> Math.pow(trafficShare * k, weight);
      case BALANCE -> {
        double askedShare = (state.clusterAsked[c] + 1) / (asked + k);
        yield Math.pow(trafficShare / askedShare, weight);
      }
      case NONE -> 1;
    };
  }

  private static int nearest(SelectorState state, float[] embedding) {
    int d = embedding.length;
    int best = 0;
    double bestSimilarity = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < state.clusters; c++) {
      int offset = c * d;
      double dot = 0;
      double norm = 0;
      for (int i = 0; i < d; i++) {
        float v = state.centroids[offset + i];
        dot += v * embedding[i];
        norm += v * v;
      }
      double similarity = norm > 0 ? dot / Math.sqrt(norm) : 0;
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = c;
      }
    }
    return best;
  }
}
