package dev.sieve.cli.client;

import dev.sieve.cli.TextTable;
import dev.sieve.schemas.LiveAccuracy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text {@code sieve stats} prints for each classifier; plain formatting, tested on its own. */
final class StatsReport {

  private StatsReport() {}

  /** One block per classifier, separated by blank lines. */
  static String render(PredictionStats stats) {
    List<String> blocks = new ArrayList<>();
    for (ClassifierStats c : stats.classifiers()) {
      blocks.add(classifier(c));
    }
    return String.join("\n", blocks);
  }

  static String classifier(ClassifierStats c) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "classifier '%s': %,d prediction%s%n",
            c.classifier(),
            c.predictions(),
            c.predictions() == 1 ? "" : "s"));
    if (c.predictions() > 0) {
      out.append("  versions         ").append(versions(c)).append('\n');
      out.append(String.format(Locale.ROOT, "  mean confidence  %.3f%n", c.meanConfidence()));
      out.append(
          String.format(
              Locale.ROOT,
              "  low confidence   %.1f %% (%,d below %.2f)%n",
              100 * c.lowConfidenceRate(),
              c.lowConfidence(),
              c.lowConfidenceThreshold()));
      TextTable classes = new TextTable(List.of("CLASS", "COUNT", "SHARE"), false, true, true);
      for (Map.Entry<String, Long> e : c.classCounts().entrySet()) {
        classes.row(
            e.getKey(),
            String.format(Locale.ROOT, "%,d", e.getValue()),
            String.format(Locale.ROOT, "%.1f %%", 100 * c.share(e.getKey())));
      }
      out.append(classes.render("  "));
    }
    List<LiveAccuracy> accuracy = c.accuracy();
    if (accuracy.isEmpty()) {
      out.append("  live accuracy    no labels yet\n");
    } else {
      out.append("  live accuracy from human labels (biased: mostly uncertain samples;")
          .append(" unbiased: random samples)\n");
      TextTable table =
          new TextTable(
              List.of("VERSION", "ACCURACY", "LABELS", "UNBIASED", "RANDOM LABELS"),
              true,
              true,
              true,
              true,
              true);
      for (LiveAccuracy a : accuracy) {
        table.row(
            "v" + a.getModelVersion(),
            RecordLines.ratio(a.getAccuracy()),
            a.getCorrect() + "/" + a.getLabels(),
            RecordLines.ratio(a.getUnbiasedAccuracy()),
            a.getRandomCorrect() + "/" + a.getRandomLabels());
      }
      out.append(table.render("  "));
    }
    return out.toString();
  }

  /** {@code v4 (188, serving now), v3 (812)} */
  private static String versions(ClassifierStats c) {
    List<String> parts = new ArrayList<>();
    c.versionCounts()
        .forEach(
            (version, count) ->
                parts.add(
                    String.format(
                        Locale.ROOT,
                        "v%d (%,d%s)",
                        version,
                        count,
                        version == c.latestVersion() ? ", serving now" : "")));
    return String.join(", ", parts);
  }
}
