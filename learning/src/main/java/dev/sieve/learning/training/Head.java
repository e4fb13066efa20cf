package dev.sieve.learning.training;

import java.util.List;

/**
 * A classifier head as the evaluation code sees it: embeddings in, class probabilities out, in the
 * order of {@link #labels()}. The champion (an ONNX head from a published version) and a freshly
 * trained challenger are both scored through this, on the same folds.
 */
public interface Head {

  /** Class names, in the order of the probability columns. */
  List<String> labels();

  /** One probability row per embedding. */
  float[][] probabilities(float[][] embeddings);

  /** The index of the most probable class of each row (the lowest index wins a tie). */
  default int[] predict(float[][] embeddings) {
    float[][] p = probabilities(embeddings);
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = argmax(p[i]);
    }
    return out;
  }

  static int argmax(float[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }
}
