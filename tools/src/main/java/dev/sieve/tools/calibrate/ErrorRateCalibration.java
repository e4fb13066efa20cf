package dev.sieve.tools.calibrate;

import dev.sieve.cli.TextTable;
import dev.sieve.learning.drift.PageHinkley;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Measures the labelled-error-rate detector (the job's {@link PageHinkley}) on Bernoulli error
 * streams at each dataset's real error rate (the share of its cross-fitted heads' predictions that
 * are wrong) and at 0.5, the noisiest rate a 0/1 stream has, which is about what the labels of
 * uncertainty-sampled predictions show. For each (delta, lambda) of a small grid: how many
 * stationary streams of {@value #LABELS} labels alarm, and how many labels an increase of 0.1 or
 * 0.2 takes to be found. The recommendation is the pair with no stationary alarm whose worst median
 * delay for +0.2 is smallest.
 */
final class ErrorRateCalibration {

  static final int LABELS = 10_000;
  static final int PREFIX = 1_000;
  static final int MAX_AFTER = 5_000;
  static final double[] DELTAS = {PageHinkley.DEFAULT_DELTA, 0.1};
  static final double[] LAMBDAS = {10, 15, 20, 25, 30, 40};
  static final double[] JUMPS = {0.1, 0.2};
  static final double NOISIEST_RATE = 0.5;

  private final List<String> sources = new ArrayList<>();
  private final List<Double> rates = new ArrayList<>();
  private final int trials;
  private final long seed;
  private final PrintStream out;

  ErrorRateCalibration(List<ScoredDataset> datasets, int trials, long seed, PrintStream out) {
    for (ScoredDataset ds : datasets) {
      sources.add(ds.name() + " head");
      rates.add(ds.errorRate());
    }
    sources.add("uncertainty-sampled");
    rates.add(NOISIEST_RATE);
    this.trials = trials;
    this.seed = seed;
    this.out = out;
  }

  List<String> run() {
    out.printf(
        Locale.ROOT,
        "%n== 4. Labelled error rate: Page-Hinkley (alarms from label %d), Bernoulli error"
            + " streams, %d streams per rate%n",
        PageHinkley.DEFAULT_MIN_INSTANCES,
        trials);
    // stationaryMax[delta][rate][stream]
    double[][][] stationaryMax = new double[DELTAS.length][rates.size()][];
    for (int d = 0; d < DELTAS.length; d++) {
      ErrorRateTrials sim = new ErrorRateTrials(DELTAS[d], PageHinkley.DEFAULT_MIN_INSTANCES);
      for (int i = 0; i < rates.size(); i++) {
        stationaryMax[d][i] =
            sim.stationaryMax(rates.get(i), LABELS, trials, new Random(seed + 100L * d + i));
      }
    }
    printStationary(stationaryMax[0]);

    out.printf(
        Locale.ROOT,
        "  grid: stationary streams of %,d labels that alarm (worst rate), and labels from an"
            + " increase (after %,d labels at the base rate) to the alarm, median / p95 for the"
            + " slowest base rate%n",
        LABELS,
        PREFIX);
    TextTable grid =
        new TextTable(
            List.of("delta", "lambda", "stationary alarms", "+0.1 labels", "+0.2 labels"),
            true,
            true,
            true,
            true,
            true);
    double bestDelay = Double.POSITIVE_INFINITY;
    double bestDelta = Double.NaN;
    double bestLambda = Double.NaN;
    double bestDelayPlusTenth = Double.NaN;
    for (int d = 0; d < DELTAS.length; d++) {
      ErrorRateTrials sim = new ErrorRateTrials(DELTAS[d], PageHinkley.DEFAULT_MIN_INSTANCES);
      for (double lambda : LAMBDAS) {
        int worstAlarms = 0;
        for (double[] max : stationaryMax[d]) {
          worstAlarms = Math.max(worstAlarms, Quantiles.countAbove(max, lambda));
        }
        List<String> cells =
            new ArrayList<>(
                List.of(
                    Quantiles.fmt(DELTAS[d]), Quantiles.fmt(lambda), worstAlarms + "/" + trials));
        double[] worstMedian = new double[JUMPS.length];
        for (int j = 0; j < JUMPS.length; j++) {
          Delay worst = null;
          for (int i = 0; i < rates.size(); i++) {
            double base = rates.get(i);
            int[] falseAlarms = new int[1];
            int[] delays =
                sim.delays(
                    base,
                    Math.min(1, base + JUMPS[j]),
                    PREFIX,
                    MAX_AFTER,
                    lambda,
                    trials,
                    new Random(seed ^ (1000L * d + 100L * j + i + Double.hashCode(lambda))),
                    falseAlarms);
            Delay delay = Delay.of(delays);
            if (worst == null || delay.worseThan(worst)) {
              worst = delay;
            }
          }
          cells.add(worst.text());
          worstMedian[j] = worst.median();
        }
        grid.row(cells);
        if (worstAlarms == 0 && worstMedian[1] < bestDelay) {
          bestDelay = worstMedian[1];
          bestDelta = DELTAS[d];
          bestLambda = lambda;
          bestDelayPlusTenth = worstMedian[0];
        }
      }
    }
    out.print(grid.render("  "));
    printJumpsToHalf(bestDelta, bestLambda);
    int deltaIndex = Double.isNaN(bestDelta) ? 0 : indexOf(DELTAS, bestDelta);
    double[] pooled =
        Arrays.stream(stationaryMax[deltaIndex]).flatMapToDouble(Arrays::stream).toArray();
    Quantiles q = Quantiles.of(pooled);
    return List.of(
        String.format(
            Locale.ROOT,
            "CALIBRATE detector=error-page-hinkley min_labels=%d labels_per_stream=%d"
                + " recommended_delta=%s recommended_lambda=%s stationary_p99=%s"
                + " stationary_max=%s median_labels_plus_0.1=%s median_labels_plus_0.2=%s",
            PageHinkley.DEFAULT_MIN_INSTANCES,
            LABELS,
            Quantiles.fmt(bestDelta),
            Quantiles.fmt(bestLambda),
            Quantiles.fmt(q.p99()),
            Quantiles.fmt(q.max()),
            labels(bestDelayPlusTenth),
            labels(bestDelay)));
  }

  /** A topic drift as the error detector sees it: the error rate jumps to 0.5. */
  private void printJumpsToHalf(double delta, double lambda) {
    if (Double.isNaN(delta)) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "  with delta %s, lambda %s: labels from a jump to an error rate of 0.5 (after %,d labels"
            + " at the head's own rate) to the alarm, %d streams%n",
        Quantiles.fmt(delta),
        Quantiles.fmt(lambda),
        PREFIX,
        trials);
    ErrorRateTrials sim = new ErrorRateTrials(delta, PageHinkley.DEFAULT_MIN_INSTANCES);
    TextTable table =
        new TextTable(
            List.of(
                "dataset head",
                "from",
                "to",
                "median",
                "p95",
                "max",
                "missed",
                "false alarms before"),
            false,
            true,
            true,
            true,
            true,
            true,
            true,
            true);
    for (int i = 0; i < rates.size(); i++) {
      double base = rates.get(i);
      if (base >= NOISIEST_RATE) {
        continue;
      }
      int[] falseAlarms = new int[1];
      int[] d =
          sim.delays(
              base,
              NOISIEST_RATE,
              PREFIX,
              MAX_AFTER,
              lambda,
              trials,
              new Random(seed + 7L * i),
              falseAlarms);
      double[] found = Arrays.stream(d).filter(x -> x >= 0).asDoubleStream().toArray();
      Quantiles q = found.length == 0 ? null : Quantiles.of(found);
      table.row(
          sources.get(i),
          Quantiles.fmt(base),
          Quantiles.fmt(NOISIEST_RATE),
          q == null ? "-" : Quantiles.fmt(q.median()),
          q == null ? "-" : Quantiles.fmt(q.p95()),
          q == null ? "-" : Quantiles.fmt(q.max()),
          String.valueOf(d.length - found.length),
          String.valueOf(falseAlarms[0]));
    }
    out.print(table.render("  "));
  }

  /** A delay for a CALIBRATE line: "never" when most streams did not alarm. */
  private static String labels(double delay) {
    return Double.isInfinite(delay) ? "never" : Quantiles.fmt(delay);
  }

  private void printStationary(double[][] stationaryMax) {
    out.printf(
        Locale.ROOT,
        "  largest statistic over a stationary stream of %,d labels, delta %s%n",
        LABELS,
        Quantiles.fmt(DELTAS[0]));
    List<String> headers =
        new ArrayList<>(List.of("error stream", "rate", "median", "p95", "p99", "max"));
    for (double l : LAMBDAS) {
      headers.add("alarms l=" + Quantiles.fmt(l));
    }
    boolean[] right = new boolean[headers.size()];
    Arrays.fill(right, 1, right.length, true);
    TextTable table = new TextTable(headers, right);
    for (int i = 0; i < rates.size(); i++) {
      double[] max = stationaryMax[i];
      Quantiles q = Quantiles.of(max);
      List<String> cells =
          new ArrayList<>(
              List.of(
                  sources.get(i),
                  Quantiles.fmt(rates.get(i)),
                  Quantiles.fmt(q.median()),
                  Quantiles.fmt(q.p95()),
                  Quantiles.fmt(q.p99()),
                  Quantiles.fmt(q.max())));
      for (double l : LAMBDAS) {
        cells.add(Quantiles.countAbove(max, l) + "/" + max.length);
      }
      table.row(cells);
    }
    out.print(table.render("  "));
  }

  private static int indexOf(double[] values, double v) {
    for (int k = 0; k < values.length; k++) {
      if (values[k] == v) {
        return k;
      }
    }
    throw new IllegalArgumentException(v + " not found");
  }

  /** Delays of one setting: median and p95 of the streams that alarmed, and how many did not. */
  private record Delay(double median, double p95, int missed) {

    /** A stream that never alarmed counts as an infinite delay (nearest-rank quantiles). */
    static Delay of(int[] delays) {
      double[] sorted =
          Arrays.stream(delays)
              .mapToDouble(x -> x < 0 ? Double.POSITIVE_INFINITY : x)
              .sorted()
              .toArray();
      int missed = (int) Arrays.stream(delays).filter(x -> x < 0).count();
      return new Delay(nearestRank(sorted, 0.5), nearestRank(sorted, 0.95), missed);
    }

    private static double nearestRank(double[] sorted, double p) {
      return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    boolean worseThan(Delay other) {
      return median > other.median || (median == other.median && missed > other.missed);
    }

    String text() {
      String s =
          Double.isInfinite(median)
              ? "-"
              : Quantiles.fmt(median) + " / " + (Double.isInfinite(p95) ? "-" : Quantiles.fmt(p95));
      return missed > 0 ? s + " (" + missed + " missed)" : s;
    }
  }
}
