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
 *   <li>{@code margin}: the job's selection with no diversity (margin sampling, random share,
 *       cold-start coverage, rare-class boost);
 *   <li>{@code balance}, {@code density}: the same with that {@link Diversity}, over the job's
 *       number of clusters and weight, or {@code balance:<clusters>:<weight>} to try others;
 *   <li>{@code random}: the same budget, all of it on the random share;
 *   <li>{@code margin-only}: margin sampling with near-duplicate suppression, and no random share,
 *       rare-class boost or cold-start coverage — what those three buy is the gap to {@code
 *       active}.
 * </ul>
 */
record AlStrategy(String name, SelectionConfig config) {

  static final List<String> NAMES =
      List.of("active", "margin", "balance[:k:w]", "density[:k:w]", "random", "margin-only");

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
    return switch (name) {
      case "margin" ->
          new AlStrategy(name, c.withDiversity(Diversity.NONE, c.clusters(), c.diversityWeight()));
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
}
