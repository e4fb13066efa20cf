package dev.sieve.learning.training;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Whether a challenger replaces the champion, and why, in words that go into the version's {@code
 * reason} and the job log. Publish when there is no champion, when the label set changed (the
 * champion cannot answer the new question), or when the challenger's cross-validated macro-F1 beats
 * the champion's on the same folds by at least {@code margin} (0.01 by default: smaller gains are
 * within fold-to-fold noise and would churn versions for nothing).
 */
public record PublishDecision(boolean publish, String reason) {

  public static final double DEFAULT_MARGIN = 0.01;

  public static PublishDecision decide(
      List<String> challengerLabels,
      Metrics challenger,
      List<String> championLabels,
      Metrics champion,
      double margin) {
    if (championLabels == null) {
      return new PublishDecision(
          true,
          String.format(
              Locale.ROOT, "no champion yet; challenger macro-F1 %.4f", challenger.macroF1()));
    }
    if (!new HashSet<>(challengerLabels).equals(new HashSet<>(championLabels))) {
      return new PublishDecision(
          true, "label set changed from " + championLabels + " to " + challengerLabels);
    }
    if (champion == null) {
      return new PublishDecision(true, "champion could not be scored; publishing challenger");
    }
    double gain = challenger.macroF1() - champion.macroF1();
    // A tiny epsilon so that a gain of exactly the margin (in decimal) is not lost to rounding.
    boolean better = gain >= margin - 1e-12;
    String text =
        String.format(
            Locale.ROOT,
            "challenger macro-F1 %.4f vs champion %.4f on the same folds (%+.4f, margin" + " %.4f)",
            challenger.macroF1(),
            champion.macroF1(),
            gain,
            margin);
    return new PublishDecision(better, (better ? "better: " : "not better: ") + text);
  }
}
