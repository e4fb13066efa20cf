package dev.sieve.tools.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What the learning curves of one strategy say, over its seeds: the median macro-F1 at each label
 * count, the first label count at which that median reaches a target (95 % of the full-data
 * macro-F1), how many seeds' own curves reach it, and the median final macro-F1. The median rather
 * than the mean: with few seeds one unlucky stream would otherwise move the figure on its own.
 */
record CurveSummary(
    String strategy,
    int seeds,
    TreeMap<Integer, Double> median,
    OptionalInt labelsToTarget,
    int seedsReachingTarget,
    double finalMacroF1,
    List<Integer> seedLabelsToTarget) {

  /** Summarises the curves of one strategy; a label count reached by only some seeds uses those. */
  static CurveSummary of(String strategy, Collection<LearningCurve> curves, double target) {
    Map<Integer, List<Double>> byLabels = new TreeMap<>();
    for (LearningCurve c : curves) {
      for (LearningCurve.Point p : c.points()) {
        byLabels.computeIfAbsent(p.labels(), k -> new ArrayList<>()).add(p.macroF1());
      }
    }
    TreeMap<Integer, Double> median = new TreeMap<>();
    byLabels.forEach((labels, values) -> median.put(labels, median(values)));
    OptionalInt reached = OptionalInt.empty();
    for (var e : median.entrySet()) {
      if (e.getValue() >= target) {
        reached = OptionalInt.of(e.getKey());
        break;
      }
    }
    int seedsReaching =
        (int)
            curves.stream()
                .filter(c -> c.points().stream().anyMatch(p -> p.macroF1() >= target))
                .count();
    double last = median(curves.stream().map(c -> c.last().macroF1()).toList());
    List<Integer> perSeed = new ArrayList<>();
    for (LearningCurve c : curves) {
      c.points().stream()
          .filter(p -> p.macroF1() >= target)
          .findFirst()
          .ifPresent(p -> perSeed.add(p.labels()));
    }
    perSeed.sort(null);
    return new CurveSummary(
        strategy, curves.size(), median, reached, seedsReaching, last, List.copyOf(perSeed));
  }

  /**
   * Each seed's own {@code labels_to_95pct} as "median [min-max]" over the seeds that reach the
   * target (a seed that never does is left out and shows in {@code seeds_at_95pct}), or "-".
   */
  String perSeedText() {
    if (seedLabelsToTarget.isEmpty()) {
      return "-";
    }
    List<Double> values = seedLabelsToTarget.stream().map(Integer::doubleValue).toList();
    return String.format(
        Locale.ROOT,
        "%.0f [%d-%d]",
        median(values),
        seedLabelsToTarget.get(0),
        seedLabelsToTarget.get(seedLabelsToTarget.size() - 1));
  }

  /**
   * {@code labels_to_95pct} divided by {@code reference}'s (random's): below 1 means fewer labels
   * than the reference; "-" when either never reaches the target.
   */
  String ratioText(CurveSummary reference) {
    if (reference == null || labelsToTarget.isEmpty() || reference.labelsToTarget.isEmpty()) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.2f",
        (double) labelsToTarget.getAsInt() / reference.labelsToTarget.getAsInt());
  }

  /** The middle value, or the mean of the two middle values of an even count. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /**
   * The mean of the median curve over its label counts: the area under the learning curve per label
   * count. Less noisy than {@code labels_to_95pct}, which a flat curve can cross early or late by
   * chance.
   */
  double meanMacroF1() {
    return median.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  /** {@code labels_to_95pct}: a label count, or {@code not-reached}. */
  String labelsToTargetText() {
    return labelsToTarget.isPresent() ? String.valueOf(labelsToTarget.getAsInt()) : "not-reached";
  }

  /** The parseable line {@code sieve eval-al} ends with, one per strategy. */
  String alLine(String dataset) {
    return String.format(
        Locale.ROOT,
        "AL dataset=%s strategy=%s labels_to_95pct=%s final_macro_f1=%.4f",
        dataset,
        strategy,
        labelsToTargetText(),
        finalMacroF1);
  }

  /**
   * Writes every point of every curve as {@code strategy,seed,labels,macro_f1}. Hand-written: the
   * fields are identifiers and numbers, which never need CSV quoting.
   */
  static void writeCsv(Path file, List<LearningCurve> curves) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("strategy,seed,labels,macro_f1\n");
      for (LearningCurve c : curves) {
        for (LearningCurve.Point p : c.points()) {
          out.write(
              String.format(
                  Locale.ROOT, "%s,%d,%d,%.4f\n", c.strategy(), c.seed(), p.labels(), p.macroF1()));
        }
      }
    }
  }
}
