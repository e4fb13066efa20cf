package dev.sieve.activelearning.functions;

/**
 * Live accuracy counts of one model version: every label (biased towards hard samples, since most
 * were asked because the model was unsure) and the labels of random-share samples (unbiased). A
 * POJO kept per version in the {@link Curator}'s keyed state.
 */
public class AccuracyCounts {

  public long labels;
  public long correct;
  public long randomLabels;
  public long randomCorrect;

  public AccuracyCounts() {}

  public void add(boolean isCorrect, boolean random) {
    labels++;
    if (isCorrect) {
      correct++;
    }
    if (random) {
      randomLabels++;
      if (isCorrect) {
        randomCorrect++;
      }
    }
  }

  /** correct / labels; NaN before the first label. */
  public double accuracy() {
    return labels == 0 ? Double.NaN : (double) correct / labels;
  }

  /** randomCorrect / randomLabels; NaN before the first random-share label. */
  public double unbiasedAccuracy() {
    return randomLabels == 0 ? Double.NaN : (double) randomCorrect / randomLabels;
  }
}
