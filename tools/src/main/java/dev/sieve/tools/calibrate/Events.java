package dev.sieve.tools.calibrate;

/**
 * What the drift detectors see of a stream of predictions, one entry per event: the top-class
 * confidence, the predicted class, and the text's embedding.
 */
record Events(double[] confidence, int[] predicted, float[][] embeddings, int classCount) {

  static Events of(float[][] probabilities, float[][] embeddings, int classCount) {
    if (probabilities.length != embeddings.length) {
      throw new IllegalArgumentException(
          probabilities.length + " score rows for " + embeddings.length + " embeddings");
    }
    double[] confidence = new double[probabilities.length];
    int[] predicted = new int[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      float[] p = probabilities[i];
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      predicted[i] = best;
      // float softmax outputs can exceed 1 by an ulp; PSI bins need [0, 1]
      confidence[i] = Math.min(1.0, Math.max(0.0, p[best]));
    }
    return new Events(confidence, predicted, embeddings, classCount);
  }

  int size() {
    return confidence.length;
  }
}
