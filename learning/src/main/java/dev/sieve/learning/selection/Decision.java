package dev.sieve.learning.selection;

/**
 * What {@link LabelSelector} decided about one candidate.
 *
 * @param outcome whether it is asked, and if not, why not
 * @param strategy why it was chosen (coverage, rare-class, random, or the uncertainty measure)
 * @param score the strategy's score for the sample (its priority; the hash draw for random)
 */
public record Decision(Outcome outcome, String strategy, double score) {

  /** The possible outcomes; every candidate gets exactly one, so they can be counted. */
  public enum Outcome {
    ASKED,
    BELOW_THRESHOLD,
    NEAR_DUPLICATE,
    OVER_BUDGET
  }

  public boolean asked() {
    return outcome == Outcome.ASKED;
  }

  public boolean randomShare() {
    return asked() && LabelSelector.RANDOM.equals(strategy);
  }
}
