package dev.sieve.tools.calibrate;

import dev.sieve.cli.TextTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The question an integration test asks: a stream switches abruptly from one dataset's texts to
 * another's; how many events pass before the job alerts, with the recommended thresholds? Prints
 * the delays per ordered dataset pair and detector, and false alarms before the switch.
 */
final class SwitchDelays {

  /** Windows after the switch within which an alert must come to count as found. */
  static final int MAX_WINDOWS_AFTER = 4;

  private final List<ScoredDataset> datasets;
  private final BiFunction<ScoredDataset, ScoredDataset, Events> foreign;
  private final int reference;
  private final int trials;
  private final long seed;
  private final PrintStream out;

  /**
   * @param foreign the second dataset's texts as the first dataset's heads score them
   */
  SwitchDelays(
      List<ScoredDataset> datasets,
      BiFunction<ScoredDataset, ScoredDataset, Events> foreign,
      int reference,
      int trials,
      long seed,
      PrintStream out) {
    this.datasets = datasets;
    this.foreign = foreign;
    this.reference = reference;
    this.trials = trials;
    this.seed = seed;
    this.out = out;
  }

  /** Runs every ordered pair with windows of {@code w}; returns the CALIBRATE line. */
  String run(int w, double[] thresholds) {
    DriftTrials sim = new DriftTrials(reference, w);
    out.printf(
        Locale.ROOT,
        "%n== 2b. Abrupt switch A -> B at a random point, W=%d, thresholds %s: events from the"
            + " switch to the alert, median / max over %d streams ('-': not within %d windows)%n",
        w,
        thresholdsText(thresholds),
        trials,
        MAX_WINDOWS_AFTER);
    TextTable table =
        new TextTable(
            List.of(
                "A",
                "B",
                "confidence-psi",
                "class-mix-psi",
                "centroid-cosine",
                "any",
                "false alarms before"),
            false,
            false,
            true,
            true,
            true,
            true,
            true);
    int worstAny = 0;
    for (ScoredDataset a : datasets) {
      for (ScoredDataset b : datasets) {
        if (a == b) {
          continue;
        }
        int[] falseAlarms = new int[1];
        Random random = new Random(seed ^ (31L * a.name().hashCode() + b.name().hashCode()));
        int[][] delay =
            sim.abruptSwitch(
                a.own(),
                foreign.apply(a, b),
                thresholds,
                MAX_WINDOWS_AFTER,
                trials,
                random,
                falseAlarms);
        List<String> cells = new ArrayList<>(List.of(a.name(), b.name()));
        for (int[] d : delay) {
          cells.add(delayText(d));
        }
        cells.add(String.valueOf(falseAlarms[0]));
        table.row(cells);
        int[] any = delay[delay.length - 1];
        worstAny =
            Arrays.stream(any).anyMatch(x -> x < 0)
                ? Integer.MAX_VALUE
                : Math.max(worstAny, Arrays.stream(any).max().orElse(0));
      }
    }
    out.print(table.render("  "));
    return String.format(
        Locale.ROOT,
        "CALIBRATE abrupt_switch reference=%d window=%d max_delay_events=%s",
        reference,
        w,
        worstAny == Integer.MAX_VALUE ? "not_always_found" : String.valueOf(worstAny));
  }

  /** Median / max, a stream without an alert counting as an infinite delay ("-"). */
  static String delayText(int[] delays) {
    long missed = Arrays.stream(delays).filter(x -> x < 0).count();
    double[] sorted =
        Arrays.stream(delays)
            .mapToDouble(x -> x < 0 ? Double.POSITIVE_INFINITY : x)
            .sorted()
            .toArray();
    double median = sorted[(sorted.length - 1) / 2];
    double max = sorted[sorted.length - 1];
    String text = count(median) + " / " + count(max);
    return missed > 0 ? text + " (" + missed + " missed)" : text;
  }

  private static String count(double events) {
    return Double.isInfinite(events) ? "-" : String.valueOf((long) events);
  }

  private static String thresholdsText(double[] thresholds) {
    StringBuilder s = new StringBuilder();
    for (Detector d : Detector.values()) {
      s.append(s.length() == 0 ? "" : ", ")
          .append(d.id())
          .append(' ')
          .append(Quantiles.fmt(thresholds[d.ordinal()]));
    }
    return s.toString();
  }
}
