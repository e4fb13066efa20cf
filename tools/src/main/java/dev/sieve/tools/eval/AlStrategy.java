package dev.sieve.tools.eval;

import dev.sieve.learning.selection.Diversity;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.UncertaintyMeasure;
import java.util.List;
import java.util.Locale;

/**
 * A way of choosing what to label, as a {@link SelectionConfig} for the job's own {@code
 * LabelSelector}: every strategy spends the same share of the replayed stream, so they differ only
 * in which events they spend it on.
 *
 * <ul>
 *   <li>{@code active}: the job's selection (its defaults, with the per-minute limit off because a
 *       replay has no clock);
 *   <li>{@code margin}: the job's selection with no diversity or jitter and a tenth of the budget
 *       at random (margin sampling, cold-start coverage, rare-class boost: today the job's default
 *       too, so the same as {@code active});
 *   <li>{@code balance}, {@code density}: the same with that {@link Diversity}, over the job's
 *       number of clusters and weight, or {@code balance:<clusters>:<weight>} to try others;
 *   <li>{@code random}: the same budget, all of it on the random share;
 *   <li>{@code margin-only}: margin sampling with near-duplicate suppression, and no random share,
 *       rare-class boost or cold-start coverage — what those three buy is the gap to {@code
 *       active}.
 * </ul>
 */
record AlStrategy(String name, SelectionConfig config) {

  /** {@code margin}'s random share: a tenth (the job's default again since the log-loss grid). */
  static final double MARGIN_RANDOM_SHARE = 0.1;

  static final List<String> NAMES =
      List.of(
          "active[:setting=value...]",
          "margin[:setting=value...]",
          "balance[:k:w]",
          "density[:k:w]",
          "random",
          "margin-only");

  /** The named strategy, built from {@code active}'s configuration and its budget fraction. */
  static AlStrategy named(String name, SelectionConfig active) {
    SelectionConfig c = active;
    String[] parts = name.split(":");
    if (parts[0].equals("balance") || parts[0].equals("density")) {
      Diversity d = Diversity.valueOf(parts[0].toUpperCase(Locale.ROOT));
      try {
        int k = parts.length > 1 ? Integer.parseInt(parts[1]) : c.clusters();
        double w =
            parts.length > 2
                ? Double.parseDouble(parts[2])
                : SelectionConfig.DEFAULT_DIVERSITY_WEIGHT;
        return new AlStrategy(name, c.withDiversity(d, k, w));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "strategy '" + name + "': expected " + parts[0] + ":<clusters>:<weight>", e);
      }
    }
    if (parts.length > 1 && (parts[0].equals("margin") || parts[0].equals("active"))) {
      return new AlStrategy(name, withSettings(named(parts[0], active).config(), name, parts));
    }
    return switch (name) {
      case "margin" ->
          new AlStrategy(
              name,
              c.withDiversity(Diversity.NONE, c.clusters(), c.diversityWeight())
                  .withUncertaintyJitter(0)
                  .withRandomShare(MARGIN_RANDOM_SHARE));
      case "active" -> new AlStrategy(name, c);
      case "random" -> new AlStrategy(name, c.withRandomShare(1.0));
      case "margin-only" ->
          new AlStrategy(
              name,
              new SelectionConfig(
                  UncertaintyMeasure.MARGIN,
                  c.budgetFraction(),
                  0,
                  0,
                  c.duplicateSimilarity(),
                  0,
                  0,
                  c.window(),
                  c.driftBoostFactor(),
                  c.driftBoostEvents(),
                  c.seed()));
      default ->
          throw new IllegalArgumentException(
              "unknown strategy '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }

  /**
   * {@code margin:<key>=<value>:...} or {@code active:...}: that strategy with selector settings
   * changed, {@code random} (share of the budget asked at random: the split strategy of Zliobaite
   * et al. 2014), {@code jitter} (randomized uncertainty), {@code boost} (rare-class boost) and
   * {@code cold} (cold-start labels per class).
   */
  private static SelectionConfig withSettings(SelectionConfig c, String name, String[] parts) {
    double random = c.randomShare();
    double jitter = c.uncertaintyJitter();
    double boost = c.rareClassBoost();
    int cold = c.coldStartLabels();
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      try {
        double v = Double.parseDouble(kv.length == 2 ? kv[1] : "");
        switch (kv[0]) {
          case "random" -> random = v;
          case "jitter" -> jitter = v;
          case "boost" -> boost = v;
          case "cold" -> cold = (int) v;
          default -> throw new NumberFormatException("unknown setting " + kv[0]);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "strategy '"
                + name
                + "': expected "
                + parts[0]
                + ":<setting>=<number>:..., settings random, jitter, boost, cold",
            e);
      }
    }
    return new SelectionConfig(
        c.measure(),
        c.budgetFraction(),
        c.requestsPerMinute(),
        random,
        c.duplicateSimilarity(),
        boost,
        cold,
        c.window(),
        c.driftBoostFactor(),
        c.driftBoostEvents(),
        c.seed(),
        c.diversity(),
        c.clusters(),
        c.diversityWeight(),
        jitter);
  }
}
