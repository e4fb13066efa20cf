package dev.sieve.learning.selection;

import java.util.Arrays;

/**
 * Everything {@link LabelSelector} remembers about one classifier, as a plain mutable object with
 * public fields so that Flink stores it as a POJO in keyed state (no Kryo) and the offline
 * evaluation keeps it on the heap. Per-class arrays follow {@link #classes}.
 */
public final class SelectorState {

  /** The classifier's classes, in the order of the per-class arrays. */
  public String[] classes = new String[0];

  /** Model version whose scores the priority window holds; a new version restarts the window. */
  public int modelVersion = Integer.MIN_VALUE;

  /** Labels received per class. */
  public long[] labelled = new long[0];

  /** Requests sent per class (predicted, or covered while cold; for cold-start coverage). */
  public long[] asked = new long[0];

  public long seen;
  public long requested;
  public long randomRequested;
  public long nearDuplicates;
  public long overBudget;

  /** Token bucket of the traffic-share budget: grows by the budget fraction per event. */
  public double shareTokens = 1;

  /** Token bucket of the per-minute budget, and when it was last refilled. */
  public double rateTokens = -1;

  public long rateRefilledAtMs;

  /** Ring of recent priorities, from which the asking threshold is taken. */
  public double[] window = new double[0];

  public int windowSize;
  public int windowNext;

  /**
   * While some class lacks its cold-start labels: the class scores of recent events, one event's
   * scores after the other (a ring of {@code window} events; floats, as ranking needs no more),
   * from which coverage takes each class's threshold. Emptied once every class is covered.
   */
  public float[] coverageWindow = new float[0];

  public int coverageSize;
  public int coverageNext;

  /** The drift boost lasts until {@link #seen} reaches this. */
  public long boostUntilSeen;

  /**
   * The stream's clusters ({@link StreamClusters}; empty unless the diversity is on): {@link
   * #clusters} centroids of the embedding's dimension, one after the other.
   */
  public float[] centroids = new float[0];

  public int clusters;

  /** Events each centroid took (its step is 1/this, capped). */
  public int[] clusterSteps = new int[0];

  /** Recent traffic per cluster (halved now and then). */
  public double[] clusterCount = new double[0];

  /** Recent requests per cluster (halved with the traffic). */
  public double[] clusterAsked = new double[0];

  public SelectorState() {}

  int classIndex(String label) {
    for (int i = 0; i < classes.length; i++) {
      if (classes[i].equals(label)) {
        return i;
      }
    }
    return -1;
  }

  /** Adopts a (possibly new) class list, keeping the counts of classes that stay. */
  void useClasses(String[] newClasses) {
    if (Arrays.equals(classes, newClasses)) {
      return;
    }
    long[] newLabelled = new long[newClasses.length];
    long[] newAsked = new long[newClasses.length];
    for (int i = 0; i < newClasses.length; i++) {
      int old = classIndex(newClasses[i]);
      if (old >= 0) {
        newLabelled[i] = labelled[old];
        newAsked[i] = asked[old];
      }
    }
    classes = newClasses.clone();
    labelled = newLabelled;
    asked = newAsked;
  }
}
