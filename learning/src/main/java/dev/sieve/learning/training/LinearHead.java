package dev.sieve.learning.training;

import java.util.List;

/**
 * A multinomial logistic-regression head held as plain arrays: {@code softmax(W x + b)} with {@code
 * W} of shape {@code k x d}, rows in label order. It is what the trainer extracts from Tribuo and
 * what {@code OnnxHeads.linearSoftmax} turns into ONNX bytes; cross-validation scores it directly
 * in Java, which is faster than a Tribuo or ONNX call per fold and computes the same function.
 */
public final class LinearHead implements Head {

  private final List<String> labels;
  private final float[][] weights;
  private final float[] bias;

  public LinearHead(List<String> labels, float[][] weights, float[] bias) {
    if (labels.size() != weights.length || weights.length != bias.length) {
      throw new IllegalArgumentException(
          labels.size()
              + " labels, "
              + weights.length
              + " weight rows, "
              + bias.length
              + " biases");
    }
    this.labels = List.copyOf(labels);
    this.weights = new float[weights.length][];
    for (int c = 0; c < weights.length; c++) {
      this.weights[c] = weights[c].clone();
    }
    this.bias = bias.clone();
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  public int dimension() {
    return weights[0].length;
  }

  /** A copy of {@code W}, {@code k x d}. */
  public float[][] weights() {
    float[][] copy = new float[weights.length][];
    for (int c = 0; c < weights.length; c++) {
      copy[c] = weights[c].clone();
    }
    return copy;
  }

  /** A copy of {@code b}. */
  public float[] bias() {
    return bias.clone();
  }

  @Override
  public float[][] probabilities(float[][] embeddings) {
    int k = weights.length;
    float[][] out = new float[embeddings.length][k];
    double[] z = new double[k];
    for (int i = 0; i < embeddings.length; i++) {
      float[] x = embeddings[i];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        float[] w = weights[c];
        double s = bias[c];
        for (int j = 0; j < x.length; j++) {
          s += w[j] * x[j];
        }
        z[c] = s;
        max = Math.max(max, s);
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        z[c] = Math.exp(z[c] - max);
        sum += z[c];
      }
      for (int c = 0; c < k; c++) {
        out[i][c] = (float) (z[c] / sum);
      }
    }
    return out;
  }
}
