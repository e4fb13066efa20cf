package dev.sieve.tools.calibrate;

import dev.sieve.cli.TextTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures the window detectors (confidence PSI, class-mix PSI, centroid cosine distance) on
 * stationary and shifted streams of the shared datasets, reads a default threshold for each from
 * the figures ({@link ThresholdRule}) and prints the evidence. Every figure comes from the job's
 * own detector classes, fed as the job feeds them.
 */
final class DriftCalibration {

  static final double[] SHARES = {0.2, 0.5, 1.0};

  private final List<ScoredDataset> datasets;
  private final int reference;
  private final int trials;
  private final long seed;
  private final PrintStream out;
  private final Map<String, Events> foreign = new HashMap<>();

  DriftCalibration(
      List<ScoredDataset> datasets, int reference, int trials, long seed, PrintStream out) {
    this.datasets = datasets;
    this.reference = reference;
    this.trials = trials;
    this.seed = seed;
    this.out = out;
  }

  /** B's texts as A's classifier scores them, computed once per ordered pair. */
  private Events foreign(ScoredDataset a, ScoredDataset b) {
    return foreign.computeIfAbsent(a.name() + " -> " + b.name(), k -> a.scoreForeign(b));
  }

  /** What one window size gave, pooled over datasets (stationary) and ordered pairs (shifted). */
  record WindowResult(
      int window,
      double[][] stationary,
      double[][] streamMax,
      double[][][] shifted,
      double[] recommended) {}

  /** Runs every window size, prints the details of {@code mainWindow}, returns CALIBRATE lines. */
  List<String> run(int mainWindow, List<Integer> windowGrid) {
    List<Integer> windows = new ArrayList<>(windowGrid);
    if (!windows.contains(mainWindow)) {
      windows.add(mainWindow);
    }
    Collections.sort(windows);
    List<String> lines = new ArrayList<>();
    List<WindowResult> results = new ArrayList<>();
    for (int w : windows) {
      WindowResult result = measure(w, w == mainWindow);
      results.add(result);
      if (w == mainWindow) {
        lines.add(
            new SwitchDelays(datasets, this::foreign, reference, trials, seed, out)
                .run(w, result.recommended()));
      }
    }
    out.printf(
        Locale.ROOT,
        "%n== 3. Recommended thresholds (%s x the largest stationary statistic, rounded up),"
            + " reference R=%d, by window size W%n",
        Quantiles.fmt(ThresholdRule.MARGIN),
        reference);
    TextTable table =
        new TextTable(
            List.of(
                "detector",
                "W",
                "stat p99",
                "stat p99.9",
                "stat max",
                "max/(1/R+1/W)",
                "shift min",
                "pairs found",
                "recommended",
                "windows>thr",
                "streams>thr",
                "fa/window",
                "detect 20%",
                "detect 50%",
                "detect 100%"),
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
            true,
            true,
            true,
            true);
    for (WindowResult r : results) {
      for (Detector d : Detector.values()) {
        lines.add(recommendationRow(r, d, table));
      }
      lines.add(anyDetectorRow(r, table));
    }
    out.print(table.render("  "));
    out.println(
        "  fa/window: observed false alarms per stationary window, or the 95 % upper bound 3/n"
            + " when there is none; detect x%: share of windows holding x % of another dataset's"
            + " texts that the threshold flags; pairs found: ordered dataset pairs whose median"
            + " wholly shifted window is flagged");
    return lines;
  }

  private WindowResult measure(int w, boolean print) {
    DriftTrials sim = new DriftTrials(reference, w);
    int detectors = Detector.values().length;
    List<double[][]> stationary = new ArrayList<>();
    List<double[][]> streamMax = new ArrayList<>();
    TextTable table =
        new TextTable(
            List.of("dataset", "windows", "detector", "median", "p95", "p99", "p99.9", "max"),
            false,
            true,
            false,
            true,
            true,
            true,
            true,
            true);
    for (ScoredDataset ds : datasets) {
      DriftTrials.Stationary s =
          sim.stationary(ds.own(), trials, new Random(seed + ds.name().hashCode() + w));
      stationary.add(s.windows());
      streamMax.add(s.streamMax());
      for (Detector d : Detector.values()) {
        Quantiles q = Quantiles.of(s.windows()[d.ordinal()]);
        table.row(
            ds.name(),
            String.valueOf(q.count()),
            d.id(),
            Quantiles.fmt(q.median()),
            Quantiles.fmt(q.p95()),
            Quantiles.fmt(q.p99()),
            Quantiles.fmt(q.p999()),
            Quantiles.fmt(q.max()));
      }
    }
    if (print) {
      out.printf(
          Locale.ROOT,
          "%n== 1. Stationary streams (false alarms): %d shuffled streams per dataset, reference"
              + " R=%d, tumbling windows W=%d, every event a distinct text%n",
          trials,
          reference,
          w);
      out.print(table.render("  "));
      printChiSquareCheck(stationary, w);
    }

    // shifted[share][detector][pair * trials + t]
    double[][][] shifted = new double[SHARES.length][detectors][];
    TextTable shiftTable =
        new TextTable(
            List.of(
                "reference A",
                "window B",
                "B share",
                "confidence-psi median (min)",
                "class-mix-psi median (min)",
                "centroid-cosine median (min)"),
            false,
            false,
            true,
            true,
            true,
            true);
    for (int s = 0; s < SHARES.length; s++) {
      List<double[][]> perPair = new ArrayList<>();
      for (ScoredDataset a : datasets) {
        for (ScoredDataset b : datasets) {
          if (a == b) {
            continue;
          }
          Random random = new Random(seed + 31L * a.name().hashCode() + b.name().hashCode() + w);
          double[][] stats = sim.shifted(a.own(), foreign(a, b), SHARES[s], trials, random);
          perPair.add(stats);
          List<String> cells = new ArrayList<>(List.of(a.name(), b.name(), pct(SHARES[s])));
          for (Detector d : Detector.values()) {
            Quantiles q = Quantiles.of(stats[d.ordinal()]);
            cells.add(Quantiles.fmt(q.median()) + " (" + Quantiles.fmt(q.min()) + ")");
          }
          shiftTable.row(cells);
        }
      }
      for (int d = 0; d < detectors; d++) {
        shifted[s][d] = concat(perPair, d);
      }
    }
    if (print) {
      out.printf(
          Locale.ROOT,
          "%n== 2. Shifted windows (detection): reference = %d texts of A, window = %d texts of"
              + " which a share comes from B, all scored by A's heads; %d trials each%n",
          reference,
          w,
          trials);
      out.print(shiftTable.render("  "));
    }

    double[][] pooled = new double[detectors][];
    double[][] pooledMax = new double[detectors][];
    double[] recommended = new double[detectors];
    for (int d = 0; d < detectors; d++) {
      pooled[d] = concat(stationary, d);
      pooledMax[d] = concat(streamMax, d);
      recommended[d] = ThresholdRule.recommend(Quantiles.of(pooled[d]).max());
    }
    return new WindowResult(w, pooled, pooledMax, shifted, recommended);
  }

  /**
   * Class-mix PSI noise against the chi-square approximation, which extends the measured default to
   * classifiers with more classes than the datasets have.
   */
  private void printChiSquareCheck(List<double[][]> stationary, int w) {
    double scale = 1.0 / reference + 1.0 / w;
    TextTable table =
        new TextTable(
            List.of("dataset", "classes", "class-mix p99.9", "chi2(k-1) p99.9 x (1/R+1/W)"),
            false,
            true,
            true,
            true);
    for (int i = 0; i < datasets.size(); i++) {
      ScoredDataset ds = datasets.get(i);
      int k = ds.classes().size();
      Quantiles q = Quantiles.of(stationary.get(i)[Detector.CLASS_MIX_PSI.ordinal()]);
      table.row(
          ds.name(),
          String.valueOf(k),
          Quantiles.fmt(q.p999()),
          Quantiles.fmt(ThresholdRule.chiSquare999(k - 1) * scale));
    }
    out.println(
        "  class-mix PSI under no drift is about chi-square(k - 1) x (1/R + 1/W); measured vs"
            + " predicted 99.9th percentile:");
    out.print(table.render("  "));
  }

  private String recommendationRow(WindowResult r, Detector d, TextTable table) {
    int i = d.ordinal();
    Quantiles q = Quantiles.of(r.stationary()[i]);
    double thr = r.recommended()[i];
    double[] full = r.shifted()[SHARES.length - 1][i];
    double shiftMin = Quantiles.of(full).min();
    int pairs = full.length / trials;
    int pairsDetected = 0;
    for (int p = 0; p < pairs; p++) {
      double[] one = Arrays.copyOfRange(full, p * trials, (p + 1) * trials);
      pairsDetected += Quantiles.of(one).median() > thr ? 1 : 0;
    }
    // Noise scales with 1/R + 1/W: the maximum in those units should not depend on W.
    double scaled = q.max() / (1.0 / reference + 1.0 / r.window());
    int windowsAbove = Quantiles.countAbove(r.stationary()[i], thr);
    int streamsAbove = Quantiles.countAbove(r.streamMax()[i], thr);
    double fa = ThresholdRule.falseAlarmBound(windowsAbove, q.count());
    double[] detect = new double[SHARES.length];
    for (int s = 0; s < SHARES.length; s++) {
      detect[s] = (double) Quantiles.countAbove(r.shifted()[s][i], thr) / r.shifted()[s][i].length;
    }
    table.row(
        d.id(),
        String.valueOf(r.window()),
        Quantiles.fmt(q.p99()),
        Quantiles.fmt(q.p999()),
        Quantiles.fmt(q.max()),
        Quantiles.fmt(scaled),
        Quantiles.fmt(shiftMin),
        pairsDetected + "/" + pairs,
        Quantiles.fmt(thr),
        windowsAbove + "/" + q.count(),
        streamsAbove + "/" + r.streamMax()[i].length,
        Quantiles.fmt(fa),
        pct(detect[0]),
        pct(detect[1]),
        pct(detect[2]));
    return String.format(
        Locale.ROOT,
        "CALIBRATE detector=%s reference=%d window=%d stationary_p99=%s stationary_max=%s"
            + " shifted_min=%s recommended=%s pairs_detected=%d/%d false_alarm_per_window<=%s"
            + " detect_share20=%.3f detect_share50=%.3f detect_share100=%.3f",
        d.id(),
        reference,
        r.window(),
        Quantiles.fmt(q.p99()),
        Quantiles.fmt(q.max()),
        Quantiles.fmt(shiftMin),
        Quantiles.fmt(thr),
        pairsDetected,
        pairs,
        Quantiles.fmt(fa),
        detect[0],
        detect[1],
        detect[2]);
  }

  /** The job alerts when any detector fires: its false alarms and detections are the union. */
  private String anyDetectorRow(WindowResult r, TextTable table) {
    int n = r.stationary()[0].length;
    int windowsAbove = 0;
    for (int k = 0; k < n; k++) {
      windowsAbove += anyAbove(r.stationary(), k, r.recommended()) ? 1 : 0;
    }
    int streams = r.streamMax()[0].length;
    int streamsAbove = 0;
    for (int k = 0; k < streams; k++) {
      streamsAbove += anyAbove(r.streamMax(), k, r.recommended()) ? 1 : 0;
    }
    double[] detect = new double[SHARES.length];
    for (int s = 0; s < SHARES.length; s++) {
      int m = r.shifted()[s][0].length;
      int hits = 0;
      for (int k = 0; k < m; k++) {
        hits += anyAbove(r.shifted()[s], k, r.recommended()) ? 1 : 0;
      }
      detect[s] = (double) hits / m;
    }
    double fa = ThresholdRule.falseAlarmBound(windowsAbove, n);
    // the smallest share flagged in at least 95 % of windows bounds the delay
    double share = 1.0;
    for (int s = SHARES.length - 1; s >= 0; s--) {
      if (detect[s] >= 0.95) {
        share = SHARES[s];
      }
    }
    int worst = ThresholdRule.worstDelay(r.window(), share);
    table.row(
        "any of the three",
        String.valueOf(r.window()),
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        windowsAbove + "/" + n,
        streamsAbove + "/" + streams,
        Quantiles.fmt(fa),
        pct(detect[0]),
        pct(detect[1]),
        pct(detect[2]));
    return String.format(
        Locale.ROOT,
        "CALIBRATE detector=any reference=%d window=%d false_alarm_per_window<=%s"
            + " stationary_streams_alarming=%d/%d detect_share20=%.3f detect_share50=%.3f"
            + " detect_share100=%.3f worst_delay_events=%d first_alert_after_model_start=%d",
        reference,
        r.window(),
        Quantiles.fmt(fa),
        streamsAbove,
        streams,
        detect[0],
        detect[1],
        detect[2],
        worst,
        reference + r.window());
  }

  private static boolean anyAbove(double[][] stats, int k, double[] thresholds) {
    for (int d = 0; d < thresholds.length; d++) {
      if (stats[d][k] > thresholds[d]) {
        return true;
      }
    }
    return false;
  }

  private static double[] concat(List<double[][]> parts, int d) {
    return parts.stream().flatMapToDouble(p -> Arrays.stream(p[d])).toArray();
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }
}
