package dev.sieve.learning.drift;

import java.util.Arrays;

/**
 * Embedding centroid shift: the cosine distance {@code 1 - cos(mean(reference), mean(window))}
 * between the mean of the reference embeddings and the mean of the window embeddings. It detects a
 * change in what the incoming texts are about (topic or source drift) even before labels arrive.
 * Only running sums are kept (two vectors of the embedding dimension), never the vectors
 * themselves. Default threshold {@value #DEFAULT_THRESHOLD}: the means of two samples of the same
 * stream differ only by sampling noise (distance well under 0.01 for a few hundred sentence
 * embeddings), while a change of source moves the mean by tens of degrees; the value is a starting
 * point to be confirmed by measurement on the shared datasets.
 */
public final class CentroidShift {

  public static final double DEFAULT_THRESHOLD = 0.05;

  private final int dimension;
  private final double[] referenceSum;
  private final double[] windowSum;
  private long referenceCount;
  private long windowCount;

  public CentroidShift(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    this.dimension = dimension;
    this.referenceSum = new double[dimension];
    this.windowSum = new double[dimension];
  }

  public void addReference(float[] vector) {
    add(referenceSum, toDouble(vector));
    referenceCount++;
  }

  public void addReference(double[] vector) {
    add(referenceSum, vector);
    referenceCount++;
  }

  public void addWindow(float[] vector) {
    add(windowSum, toDouble(vector));
    windowCount++;
  }

  public void addWindow(double[] vector) {
    add(windowSum, vector);
    windowCount++;
  }

  /** Cosine distance in [0, 2] between the two means (the counts cancel out). */
  public double distance() {
    if (referenceCount == 0 || windowCount == 0) {
      throw new IllegalStateException(
          "need at least one reference and one window vector, have "
              + referenceCount
              + " and "
              + windowCount);
    }
    return cosineDistance(referenceSum, windowSum);
  }

  /**
   * Cosine distance in [0, 2] between two vectors, e.g. two sums of embeddings (the counts cancel
   * out, so sums serve as means). Public so that the Flink job can keep the sums in its own state.
   */
  public static double cosineDistance(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "vectors differ in length: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double rr = 0;
    double ww = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      rr += a[i] * a[i];
      ww += b[i] * b[i];
    }
    if (rr == 0 || ww == 0) {
      throw new IllegalStateException("a mean vector is zero; cosine distance is undefined");
    }
    double cos = dot / (Math.sqrt(rr) * Math.sqrt(ww));
    return 1 - Math.max(-1, Math.min(1, cos));
  }

  public long referenceCount() {
    return referenceCount;
  }

  public long windowCount() {
    return windowCount;
  }

  /** Starts a new window, keeping the reference. */
  public void resetWindow() {
    Arrays.fill(windowSum, 0);
    windowCount = 0;
  }

  /** Forgets everything, e.g. when a new model version starts serving. */
  public void reset() {
    Arrays.fill(referenceSum, 0);
    referenceCount = 0;
    resetWindow();
  }

  private void add(double[] sum, double[] vector) {
    if (vector == null || vector.length != dimension) {
      throw new IllegalArgumentException(
          "vector must have dimension "
              + dimension
              + ", got "
              + (vector == null ? "null" : vector.length));
    }
    for (int i = 0; i < dimension; i++) {
      if (!Double.isFinite(vector[i])) {
        throw new IllegalArgumentException("vector component " + i + " is not finite");
      }
      sum[i] += vector[i];
    }
  }

  private static double[] toDouble(float[] vector) {
    if (vector == null) {
      return null;
    }
    double[] d = new double[vector.length];
    for (int i = 0; i < vector.length; i++) {
      d[i] = vector[i];
    }
    return d;
  }
}
