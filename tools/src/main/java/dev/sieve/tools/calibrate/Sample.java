package dev.sieve.tools.calibrate;

import dev.sieve.learning.drift.CentroidShift;
import dev.sieve.learning.drift.Psi;

/**
 * A reference or a window of events, gathered from one or more sources (a partial shift mixes two),
 * in the form the drift detectors read: confidences, predicted-class counts, embeddings.
 */
final class Sample {

  private final double[] confidence;
  private final long[] classCounts;
  private final float[][] embeddings;
  private int size;

  Sample(int capacity, int classCount) {
    this.confidence = new double[capacity];
    this.classCounts = new long[classCount];
    this.embeddings = new float[capacity][];
  }

  /** Adds event {@code i} of {@code events}. */
  Sample add(Events events, int i) {
    confidence[size] = events.confidence()[i];
    classCounts[events.predicted()[i]]++;
    embeddings[size] = events.embeddings()[i];
    size++;
    return this;
  }

  /** Adds events {@code order[from..to)} of {@code events}. */
  Sample addAll(Events events, int[] order, int from, int to) {
    for (int k = from; k < to; k++) {
      add(events, order[k]);
    }
    return this;
  }

  int size() {
    return size;
  }

  /**
   * The three statistics between this reference and {@code window}, indexed by {@link
   * Detector#ordinal()}, computed by the job's own detector classes.
   */
  double[] statisticsAgainst(Sample window) {
    if (size != confidence.length || window.size != window.confidence.length) {
      throw new IllegalStateException("a sample is not full");
    }
    CentroidShift centroid = new CentroidShift(embeddings[0].length);
    for (float[] e : embeddings) {
      centroid.addReference(e);
    }
    for (float[] e : window.embeddings) {
      centroid.addWindow(e);
    }
    double[] out = new double[Detector.values().length];
    out[Detector.CONFIDENCE_PSI.ordinal()] = Psi.ofConfidences(confidence, window.confidence);
    out[Detector.CLASS_MIX_PSI.ordinal()] = Psi.categorical(classCounts, window.classCounts);
    out[Detector.CENTROID_COSINE.ordinal()] = centroid.distance();
    return out;
  }
}
