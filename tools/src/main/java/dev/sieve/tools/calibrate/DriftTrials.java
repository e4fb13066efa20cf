package dev.sieve.tools.calibrate;

import java.util.Random;

/**
 * Simulated streams for the window detectors, as the job runs them: a reference of the first {@code
 * r} events after a model version starts serving, then tumbling windows of {@code w} events, each
 * compared with the reference. Every event of a stream is a distinct text (samples without
 * replacement), so the figures carry real sampling noise and nothing more.
 */
final class DriftTrials {

  private final int r;
  private final int w;

  DriftTrials(int reference, int window) {
    if (reference < 1 || window < 1) {
      throw new IllegalArgumentException("reference and window must be >= 1");
    }
    this.r = reference;
    this.w = window;
  }

  /** Statistics of stationary streams, per detector: every window, and each stream's maximum. */
  record Stationary(double[][] windows, double[][] streamMax) {}

  /**
   * {@code trials} shuffles of {@code events}; each is one stream: reference, then as many disjoint
   * windows as the remaining events fill.
   */
  Stationary stationary(Events events, int trials, Random random) {
    int perStream = (events.size() - r) / w;
    if (perStream < 1) {
      throw new IllegalArgumentException(
          events.size() + " events cannot fill a reference of " + r + " and a window of " + w);
    }
    int detectors = Detector.values().length;
    double[][] windows = new double[detectors][trials * perStream];
    double[][] streamMax = new double[detectors][trials];
    for (int t = 0; t < trials; t++) {
      int[] order = Sampling.permutation(events.size(), random);
      Sample reference = new Sample(r, events.classCount()).addAll(events, order, 0, r);
      for (int k = 0; k < perStream; k++) {
        int from = r + k * w;
        Sample window = new Sample(w, events.classCount()).addAll(events, order, from, from + w);
        double[] s = reference.statisticsAgainst(window);
        for (int d = 0; d < detectors; d++) {
          windows[d][t * perStream + k] = s[d];
          streamMax[d][t] = Math.max(streamMax[d][t], s[d]);
        }
      }
    }
    return new Stationary(windows, streamMax);
  }

  /**
   * Windows after a shift: the reference is {@code r} events of {@code a}; each window holds {@code
   * round(share * w)} events of {@code b} (another dataset's texts, scored by a's heads) and the
   * rest from {@code a}, disjoint from the reference. Returns the statistic of each trial's window,
   * per detector.
   */
  double[][] shifted(Events a, Events b, double share, int trials, Random random) {
    int fromB = (int) Math.round(share * w);
    int fromA = w - fromB;
    if (a.size() < r + fromA || b.size() < fromB) {
      throw new IllegalArgumentException("not enough events for a reference and a window");
    }
    double[][] out = new double[Detector.values().length][trials];
    for (int t = 0; t < trials; t++) {
      int[] orderA = Sampling.permutation(a.size(), random);
      int[] orderB = Sampling.permutation(b.size(), random);
      Sample reference = new Sample(r, a.classCount()).addAll(a, orderA, 0, r);
      Sample window =
          new Sample(w, a.classCount()).addAll(a, orderA, r, r + fromA).addAll(b, orderB, 0, fromB);
      double[] s = reference.statisticsAgainst(window);
      for (int d = 0; d < s.length; d++) {
        out[d][t] = s[d];
      }
    }
    return out;
  }

  /**
   * Delays after an abrupt switch: a stream of {@code a}'s events switches to {@code b}'s events at
   * a random point after the reference and at least one whole window, so the switch falls anywhere
   * inside a window. Returns, per detector and then for "any detector" (last row), the events from
   * the switch to the end of the first window whose statistic is above {@code thresholds[d]}; -1
   * when none is within {@code maxWindowsAfter} windows. Windows wholly before the switch that
   * exceed a threshold are counted in {@code falseAlarms[0]}.
   */
  int[][] abruptSwitch(
      Events a,
      Events b,
      double[] thresholds,
      int maxWindowsAfter,
      int trials,
      Random random,
      int[] falseAlarms) {
    int detectors = Detector.values().length;
    int[][] delay = new int[detectors + 1][trials];
    for (int t = 0; t < trials; t++) {
      int[] orderA = Sampling.permutation(a.size(), random);
      int[] orderB = Sampling.permutation(b.size(), random);
      int beforeSwitch = w + random.nextInt(w); // events of a after the reference
      if (a.size() < r + beforeSwitch) {
        throw new IllegalArgumentException("not enough events of a before the switch");
      }
      int afterSwitch = Math.min(b.size(), (maxWindowsAfter + 1) * w);
      Sample reference = new Sample(r, a.classCount()).addAll(a, orderA, 0, r);
      for (int[] d : delay) {
        d[t] = -1;
      }
      int windows = (beforeSwitch + afterSwitch) / w;
      for (int k = 0; k < windows; k++) {
        Sample window = new Sample(w, a.classCount());
        for (int p = k * w; p < (k + 1) * w; p++) {
          if (p < beforeSwitch) {
            window.add(a, orderA[r + p]);
          } else {
            window.add(b, orderB[p - beforeSwitch]);
          }
        }
        double[] s = reference.statisticsAgainst(window);
        int end = (k + 1) * w;
        boolean any = false;
        for (int d = 0; d < detectors; d++) {
          boolean alarm = s[d] > thresholds[d];
          any |= alarm;
          if (alarm && end > beforeSwitch && delay[d][t] < 0) {
            delay[d][t] = end - beforeSwitch;
          }
        }
        if (any && end <= beforeSwitch) {
          falseAlarms[0]++;
        }
        if (any && end > beforeSwitch && delay[detectors][t] < 0) {
          delay[detectors][t] = end - beforeSwitch;
        }
      }
    }
    return delay;
  }
}
