package dev.sieve.learning.training;

import java.util.List;
import java.util.Random;

/** Test data builders: labelled sets drawn from Gaussian clusters around fixed class centres. */
final class SyntheticSets {

  private SyntheticSets() {}

  /**
   * {@code counts[c]} examples of class {@code labels[c]}, each the class centre plus Gaussian
   * noise of standard deviation {@code noise}, in {@code dimension} dimensions. Centres depend on
   * {@code centreSeed} only, so two sets with the same centre seed share a distribution.
   */
  static LabelledSet clusters(
      List<String> labels,
      int[] counts,
      int dimension,
      double noise,
      long centreSeed,
      long seed,
      String idPrefix) {
    float[][] centres = centres(labels.size(), dimension, centreSeed);
    Random random = new Random(seed);
    LabelledSet.Builder builder = LabelledSet.builder().labelOrder(labels);
    int id = 0;
    for (int c = 0; c < labels.size(); c++) {
      for (int i = 0; i < counts[c]; i++) {
        float[] x = new float[dimension];
        for (int j = 0; j < dimension; j++) {
          x[j] = (float) (centres[c][j] + noise * random.nextGaussian());
        }
        builder.add(String.format("%s-%06d", idPrefix, id++), labels.get(c), x);
      }
    }
    return builder.build();
  }

  static float[][] centres(int k, int dimension, long seed) {
    Random random = new Random(seed);
    float[][] centres = new float[k][dimension];
    for (float[] centre : centres) {
      double norm = 0;
      for (int j = 0; j < dimension; j++) {
        centre[j] = (float) random.nextGaussian();
        norm += centre[j] * centre[j];
      }
      for (int j = 0; j < dimension; j++) {
        centre[j] /= (float) Math.sqrt(norm);
      }
    }
    return centres;
  }

  /**
   * The same examples with a share of labels moved to the next class in label order (seeded): a
   * labeler who systematically confuses classes. Above half, the wrong label is the majority.
   */
  static LabelledSet corrupt(LabelledSet set, double share, long seed) {
    Random random = new Random(seed);
    float[][] rows = set.embeddings();
    String[] labels = set.labels();
    List<String> order = set.labelOrder();
    LabelledSet.Builder builder = LabelledSet.builder().labelOrder(order);
    for (int i = 0; i < set.size(); i++) {
      String label = labels[i];
      if (random.nextDouble() < share) {
        label = order.get((order.indexOf(label) + 1) % order.size());
      }
      builder.add(set.contentId(i), label, rows[i]);
    }
    return builder.build();
  }
}
