package dev.sieve.tools.calibrate;

import dev.sieve.cli.TextTable;
import dev.sieve.learning.selection.SelectionConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what "cosine similarity at or above t" means on each dataset's texts, for the selector's
 * near-duplicate suppression: the distribution of each text's nearest-neighbour similarity, and the
 * precision of the rule against textual near-identity ({@link TextSimilarity}). Exact repeats of a
 * raw text are set aside first: they are trivially duplicates at similarity 1 and would swamp the
 * pairs that decide the threshold.
 */
final class NearDuplicateCalibration {

  static final double FLOOR = 0.80;
  static final double MIN_PRECISION = 0.9;

  private final List<ScoredDataset> datasets;
  private final PrintStream out;

  NearDuplicateCalibration(List<ScoredDataset> datasets, PrintStream out) {
    this.datasets = datasets;
    this.out = out;
  }

  static double[] grid() {
    double[] g = new double[16];
    g[0] = FLOOR;
    for (int k = 1; k < g.length; k++) {
      g[k] = (84 + k) / 100.0; // 0.85 .. 0.99
    }
    return g;
  }

  List<String> run() {
    int threads = Runtime.getRuntime().availableProcessors();
    double[] grid = grid();
    out.printf(
        Locale.ROOT,
        "%n== 5. Near-duplicate similarity (selector default %s): all pairs of distinct texts"
            + " per dataset; near-identical = same text after lower-casing and dropping"
            + " punctuation, spacing, mentions and links, or edit distance < 20 %% of the"
            + " longer%n",
        Quantiles.fmt(SelectionConfig.defaults().duplicateSimilarity()));
    TextTable nnTable =
        new TextTable(
            List.of(
                "dataset",
                "texts",
                "exact repeats",
                "distinct",
                "nn median",
                "nn p90",
                "nn p99",
                "nn>=0.90",
                "nn>=0.95",
                "nn>=0.98",
                "pairs>=" + Quantiles.fmt(FLOOR),
                "same label if near-identical"),
            false,
            true,
            true,
            true,
            true,
            true,
            true,
            true,
            true,
            true,
            true,
            true);
    List<List<PairPrecision.Row>> tables = new ArrayList<>();
    List<double[]> pooledSim = new ArrayList<>();
    List<boolean[]> pooledNear = new ArrayList<>();
    List<boolean[]> pooledSame = new ArrayList<>();
    for (ScoredDataset ds : datasets) {
      long start = System.nanoTime();
      List<Integer> distinct = distinctTexts(ds.texts());
      float[][] x = new float[distinct.size()][];
      for (int k = 0; k < x.length; k++) {
        x[k] = ds.embeddings()[distinct.get(k)];
      }
      NearDuplicatePairs.Result r = NearDuplicatePairs.scan(x, FLOOR, threads);
      boolean[] near = new boolean[r.pairs()];
      boolean[] same = new boolean[r.pairs()];
      for (int k = 0; k < r.pairs(); k++) {
        int a = distinct.get(r.first()[k]);
        int b = distinct.get(r.second()[k]);
        near[k] = TextSimilarity.nearIdentical(ds.texts()[a], ds.texts()[b]);
        same[k] = ds.labels()[a] == ds.labels()[b];
      }
      pooledSim.add(r.similarity());
      pooledNear.add(near);
      pooledSame.add(same);
      tables.add(PairPrecision.table(r.similarity(), near, same, grid));
      Quantiles nn = Quantiles.of(r.nearestNeighbour());
      double[] nnSorted = r.nearestNeighbour();
      nnTable.row(
          ds.name(),
          String.valueOf(ds.texts().length),
          String.valueOf(ds.texts().length - distinct.size()),
          String.valueOf(distinct.size()),
          Quantiles.fmt(nn.median()),
          Quantiles.fmt(Quantiles.quantile(sorted(nnSorted), 0.9)),
          Quantiles.fmt(nn.p99()),
          share(nnSorted, 0.90),
          share(nnSorted, 0.95),
          share(nnSorted, 0.98),
          String.valueOf(r.pairs()),
          sameLabelIfNear(near, same));
      System.err.printf(
          Locale.ROOT, "%s: pair scan %.1f s%n", ds.name(), (System.nanoTime() - start) / 1e9);
    }
    out.print(nnTable.render("  "));
    out.println(
        "  nn: each distinct text's highest cosine similarity to another; nn>=t: share of texts"
            + " that would be suppressed if every other text had been labelled; same label if"
            + " near-identical: how often two near-identical texts got the same gold label (the"
            + " labels' own agreement, a ceiling for the same-label column below)");

    List<PairPrecision.Row> pooled =
        PairPrecision.table(
            concat(pooledSim), concatFlags(pooledNear), concatFlags(pooledSame), grid);
    List<String> headers = new ArrayList<>(List.of("t"));
    for (ScoredDataset ds : datasets) {
      headers.add(ds.name() + " pairs / precision / band / same label");
    }
    headers.add("all: precision / recall");
    boolean[] right = new boolean[headers.size()];
    Arrays.fill(right, true);
    TextTable precision = new TextTable(headers, right);
    double recommended = Double.NaN;
    double strict = Double.NaN;
    for (int g = 0; g < grid.length; g++) {
      List<String> cells = new ArrayList<>(List.of(Quantiles.fmt(grid[g])));
      boolean allPass = true;
      for (List<PairPrecision.Row> t : tables) {
        PairPrecision.Row row = t.get(g);
        cells.add(
            row.pairs()
                + " / "
                + pct(row.precision())
                + " / "
                + pct(row.bandPrecision())
                + " / "
                + pct(row.sameLabel()));
        allPass &= row.pairs() == 0 || row.precision() >= MIN_PRECISION;
      }
      PairPrecision.Row all = pooled.get(g);
      cells.add(pct(all.precision()) + " / " + pct(all.recall()));
      precision.row(cells);
      if (all.precision() >= MIN_PRECISION && Double.isNaN(recommended)) {
        recommended = grid[g];
      }
      if (allPass && Double.isNaN(strict)) {
        strict = grid[g];
      }
    }
    out.println(
        "  precision of 'cosine >= t means near-duplicate': pairs at or above t, share"
            + " near-identical, the same in [t, next t) alone, share with the same gold label;"
            + " recall relative to near-identical pairs at >= "
            + Quantiles.fmt(FLOOR));
    out.print(precision.render("  "));

    if (Double.isNaN(recommended)) {
      return List.of(
          "CALIBRATE near_duplicate_similarity recommended=none (no t on the grid"
              + " reaches precision "
              + MIN_PRECISION
              + " over all datasets)");
    }
    int g = indexOf(grid, recommended);
    double minPrecision = 1;
    for (List<PairPrecision.Row> t : tables) {
      if (t.get(g).pairs() > 0) {
        minPrecision = Math.min(minPrecision, t.get(g).precision());
      }
    }
    PairPrecision.Row at = pooled.get(g);
    return List.of(
        String.format(
            Locale.ROOT,
            "CALIBRATE near_duplicate_similarity recommended=%s precision=%.3f"
                + " min_dataset_precision=%.3f recall=%.3f same_label=%.3f pairs=%d"
                + " strict=%s (recommended: smallest t with precision >= %s over all datasets;"
                + " strict: on every dataset; precision is a lower bound)",
            Quantiles.fmt(recommended),
            at.precision(),
            minPrecision,
            at.recall(),
            at.sameLabel(),
            at.pairs(),
            Double.isNaN(strict) ? "none" : Quantiles.fmt(strict),
            Quantiles.fmt(MIN_PRECISION)));
  }

  /** Index of the first occurrence of each distinct raw text. */
  static List<Integer> distinctTexts(String[] texts) {
    Map<String, Integer> first = new HashMap<>();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      if (first.putIfAbsent(texts[i], i) == null) {
        out.add(i);
      }
    }
    return out;
  }

  private static String sameLabelIfNear(boolean[] near, boolean[] same) {
    int n = 0;
    int agree = 0;
    for (int k = 0; k < near.length; k++) {
      if (near[k]) {
        n++;
        agree += same[k] ? 1 : 0;
      }
    }
    return n == 0 ? "-" : pct((double) agree / n) + " of " + n;
  }

  private static String share(double[] values, double t) {
    int n = 0;
    for (double v : values) {
      n += v >= t ? 1 : 0;
    }
    return pct((double) n / values.length);
  }

  private static double[] sorted(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s;
  }

  private static int indexOf(double[] grid, double t) {
    for (int k = 0; k < grid.length; k++) {
      if (grid[k] == t) {
        return k;
      }
    }
    throw new IllegalArgumentException(t + " is not on the grid");
  }

  private static double[] concat(List<double[]> parts) {
    return parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  private static boolean[] concatFlags(List<boolean[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    boolean[] out = new boolean[n];
    int k = 0;
    for (boolean[] p : parts) {
      System.arraycopy(p, 0, out, k, p.length);
      k += p.length;
    }
    return out;
  }

  private static String pct(double share) {
    return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }
}
