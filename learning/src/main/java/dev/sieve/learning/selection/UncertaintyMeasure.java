package dev.sieve.learning.selection;

/** The configurable uncertainty measure used to rank candidates for labeling. */
public enum UncertaintyMeasure {
  LEAST_CONFIDENCE {
    @Override
    public double score(double[] p) {
      return Uncertainty.leastConfidence(p);
    }
  },
  MARGIN {
    @Override
    public double score(double[] p) {
      return Uncertainty.margin(p);
    }
  },
  ENTROPY {
    @Override
    public double score(double[] p) {
      return Uncertainty.entropy(p);
    }
  };

  /** Uncertainty in [0, 1]; higher = more worth asking a human about. */
  public abstract double score(double[] p);
}
