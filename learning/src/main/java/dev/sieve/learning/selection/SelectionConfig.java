package dev.sieve.learning.selection;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * How {@link LabelSelector} spends the labeling budget of one classifier. Serializable because the
 * Flink job's curator operator carries it to the task managers.
 *
 * @param measure uncertainty measure that ranks candidates
 * @param budgetFraction at most this share of the classifier's events is asked about (0.02 = 2 %)
 * @param requestsPerMinute at most this many requests per minute; 0 or less means no rate limit
 * @param randomShare share of the budget spent on samples chosen uniformly at random, marked as
 *     such, so that their labels give an unbiased accuracy estimate
 * @param duplicateSimilarity cosine similarity at or above which a candidate counts as a
 *     near-duplicate of a sample already asked about or labelled, and is not asked
 * @param rareClassBoost how much a predicted class with few labels raises a candidate's priority:
 *     priority = uncertainty x (1 + boost x (1 - labels of the class / labels of the largest
 *     class))
 * @param coldStartLabels until every class has this many labels, candidates that score among the
 *     top of the window for an under-covered class are asked first (strategy "coverage")
 * @param window number of recent priorities from which the asking threshold is taken (the threshold
 *     is the quantile that lets through about the budget's share)
 * @param driftBoostFactor the budget is multiplied by this for a while after a drift alert
 * @param driftBoostEvents how many of the classifier's events the drift boost lasts
 * @param seed makes the random share reproducible (it hashes the content id with this seed)
 * @param diversity how uncertainty requests are spread over the embedding space ({@link Diversity};
 *     {@code NONE} is plain uncertainty)
 * @param clusters how many clusters of the stream the diversity weighs candidates by
 * @param diversityWeight the exponent of the diversity factor (0: no effect)
 * @param uncertaintyJitter randomized uncertainty: each candidate's priority is multiplied by a
 *     factor eta ~ N(1, jitter) drawn from a hash of its content id, so that some less uncertain
 *     events are asked too and the most ambiguous ones are not always (0: plain uncertainty). After
 *     the "randomized variable uncertainty" strategy of Zliobaite, Bifet, Pfahringer and Holmes,
 *     "Active learning with drifting streaming data", IEEE TNNLS 25(1), 2014, which multiplies the
 *     asking threshold by eta ~ N(1, delta)
 */
public record SelectionConfig(
    UncertaintyMeasure measure,
    double budgetFraction,
    double requestsPerMinute,
    double randomShare,
    double duplicateSimilarity,
    double rareClassBoost,
    int coldStartLabels,
    int window,
    double driftBoostFactor,
    int driftBoostEvents,
    long seed,
    Diversity diversity,
    int clusters,
    double diversityWeight,
    double uncertaintyJitter)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Clusters of the stream the diversity uses unless told otherwise. */
  public static final int DEFAULT_CLUSTERS = 10;

  /** The diversity factor's exponent unless told otherwise. */
  public static final double DEFAULT_DIVERSITY_WEIGHT = 1.0;

  /**
   * Defaults: margin sampling (docs/architecture.md, "Measurements the design started from"); 5 %
   * of traffic and 120 requests a minute, about what one or two people answer; a tenth of it at
   * random (unbiased labels; on sieve eval-al, once the trainer's grid is chosen by log-loss, a
   * tenth needed fewer labels than random on all three shared datasets and fewer than 30 % at
   * random on sms_spam and tweeteval_offensive, docs/measurements/active-learning-eval.md);
   * similarity 0.96, the smallest at which 91 % of MiniLM pairs are textual near-copies on the
   * shared datasets (sieve calibrate-drift, docs/measurements/drift-calibration.md; 83 % at 0.95);
   * 10 labels per class before uncertainty takes over; the requests balanced over 10 clusters of
   * the stream ({@link Diversity#BALANCE}: with retrain-trigger's own learner it needed fewer
   * labels than random on all three shared datasets, and fewer than margin alone on two).
   */
  public static SelectionConfig defaults() {
    return new SelectionConfig(
            UncertaintyMeasure.MARGIN, 0.05, 120, 0.1, 0.96, 1.0, 10, 200, 3.0, 2_000, 42L)
        .withDiversity(Diversity.BALANCE, DEFAULT_CLUSTERS, DEFAULT_DIVERSITY_WEIGHT);
  }

  public SelectionConfig {
    if (measure == null) {
      throw new IllegalArgumentException("measure is required");
    }
    if (!(budgetFraction > 0 && budgetFraction <= 1)) {
      throw new IllegalArgumentException(
          "budget fraction must be in (0, 1], got " + budgetFraction);
    }
    if (!(randomShare >= 0 && randomShare <= 1)) {
      throw new IllegalArgumentException("random share must be in [0, 1], got " + randomShare);
    }
    if (!(duplicateSimilarity > 0 && duplicateSimilarity <= 1.000001)) {
      throw new IllegalArgumentException(
          "duplicate similarity must be in (0, 1], got " + duplicateSimilarity);
    }
    if (rareClassBoost < 0 || coldStartLabels < 0 || window < 10 || driftBoostEvents < 0) {
      throw new IllegalArgumentException(
          "rare-class boost and cold-start labels must be >= 0, window >= 10, drift boost events"
              + " >= 0");
    }
    if (diversity == null) {
      throw new IllegalArgumentException("diversity is required");
    }
    if (clusters < 1 || !(diversityWeight >= 0 && diversityWeight <= 10)) {
      throw new IllegalArgumentException(
          "clusters must be >= 1 and the diversity weight in [0, 10], got "
              + clusters
              + " and "
              + diversityWeight);
    }
    if (!(uncertaintyJitter >= 0 && uncertaintyJitter <= 10)) {
      throw new IllegalArgumentException(
          "uncertainty jitter must be in [0, 10], got " + uncertaintyJitter);
    }
    if (driftBoostFactor < 1) {
      throw new IllegalArgumentException(
          "drift boost factor must be >= 1, got " + driftBoostFactor);
    }
  }

  /** Plain uncertainty, no diversity (the settings before {@link Diversity} existed). */
  public SelectionConfig(
      UncertaintyMeasure measure,
      double budgetFraction,
      double requestsPerMinute,
      double randomShare,
      double duplicateSimilarity,
      double rareClassBoost,
      int coldStartLabels,
      int window,
      double driftBoostFactor,
      int driftBoostEvents,
      long seed) {
    this(
        measure,
        budgetFraction,
        requestsPerMinute,
        randomShare,
        duplicateSimilarity,
        rareClassBoost,
        coldStartLabels,
        window,
        driftBoostFactor,
        driftBoostEvents,
        seed,
        Diversity.NONE,
        DEFAULT_CLUSTERS,
        DEFAULT_DIVERSITY_WEIGHT,
        0);
  }

  public SelectionConfig withDiversity(Diversity d, int k, double weight) {
    return copy(
        b -> {
          b.diversity = d;
          b.clusters = k;
          b.diversityWeight = weight;
        });
  }

  public SelectionConfig withMeasure(UncertaintyMeasure m) {
    return copy(b -> b.measure = m);
  }

  public SelectionConfig withBudget(double fraction, double perMinute) {
    return copy(
        b -> {
          b.budgetFraction = fraction;
          b.requestsPerMinute = perMinute;
        });
  }

  public SelectionConfig withRandomShare(double share) {
    return copy(b -> b.randomShare = share);
  }

  public SelectionConfig withUncertaintyJitter(double jitter) {
    return copy(b -> b.uncertaintyJitter = jitter);
  }

  public SelectionConfig withSeed(long newSeed) {
    return copy(b -> b.seed = newSeed);
  }

  /** This configuration with the changes {@code change} makes, checked as a new one. */
  private SelectionConfig copy(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The components of a configuration, to change some of them for a {@code with*} method. */
  private static final class Copy {
    UncertaintyMeasure measure;
    double budgetFraction;
    double requestsPerMinute;
    double randomShare;
    double duplicateSimilarity;
    double rareClassBoost;
    int coldStartLabels;
    int window;
    double driftBoostFactor;
    int driftBoostEvents;
    long seed;
    Diversity diversity;
    int clusters;
    double diversityWeight;
    double uncertaintyJitter;

    Copy(SelectionConfig c) {
      measure = c.measure;
      budgetFraction = c.budgetFraction;
      requestsPerMinute = c.requestsPerMinute;
      randomShare = c.randomShare;
      duplicateSimilarity = c.duplicateSimilarity;
      rareClassBoost = c.rareClassBoost;
      coldStartLabels = c.coldStartLabels;
      window = c.window;
      driftBoostFactor = c.driftBoostFactor;
      driftBoostEvents = c.driftBoostEvents;
      seed = c.seed;
      diversity = c.diversity;
      clusters = c.clusters;
      diversityWeight = c.diversityWeight;
      uncertaintyJitter = c.uncertaintyJitter;
    }

    SelectionConfig build() {
      return new SelectionConfig(
          measure,
          budgetFraction,
          requestsPerMinute,
          randomShare,
          duplicateSimilarity,
          rareClassBoost,
          coldStartLabels,
          window,
          driftBoostFactor,
          driftBoostEvents,
          seed,
          diversity,
          clusters,
          diversityWeight,
          uncertaintyJitter);
    }
  }
}
