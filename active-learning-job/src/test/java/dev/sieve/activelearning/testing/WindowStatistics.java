package dev.sieve.activelearning.testing;

import dev.sieve.activelearning.testing.ScoredStream.Item;
import dev.sieve.learning.drift.CentroidShift;
import dev.sieve.learning.drift.Psi;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The three window statistics of the drift detectors, computed offline on a test stream the way the
 * job computes them (reference = the first {@code reference} events, then tumbling windows), so an
 * IT can print how far below (or above) the thresholds real text lands. Figures only.
 */
public final class WindowStatistics {

  /** One window's statistics, ending at event {@code end} (1-based). */
  public record Window(long end, double confidencePsi, double classMixPsi, double centroid) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "end=%d conf-psi=%.3f mix-psi=%.3f centroid=%.4f",
          end,
          confidencePsi,
          classMixPsi,
          centroid);
    }
  }

  private WindowStatistics() {}

  public static List<Window> of(List<Item> items, int reference, int window) {
    int classes = items.get(0).scores().length;
    long[] refConf = histogram(items.subList(0, reference));
    long[] refMix = mix(items.subList(0, reference), classes);
    double[] refSum = sum(items.subList(0, reference));
    List<Window> out = new ArrayList<>();
    for (int from = reference; from + window <= items.size(); from += window) {
      List<Item> w = items.subList(from, from + window);
      out.add(
          new Window(
              from + window,
              Psi.between(refConf, histogram(w), Psi.DEFAULT_EPSILON),
              Psi.between(refMix, mix(w, classes), Psi.DEFAULT_EPSILON),
              CentroidShift.cosineDistance(refSum, sum(w))));
    }
    return out;
  }

  /** The largest of each statistic over the windows. */
  public static Window max(List<Window> windows) {
    return new Window(
        windows.size(),
        windows.stream().mapToDouble(Window::confidencePsi).max().orElse(0),
        windows.stream().mapToDouble(Window::classMixPsi).max().orElse(0),
        windows.stream().mapToDouble(Window::centroid).max().orElse(0));
  }

  private static long[] histogram(List<Item> items) {
    long[] h = new long[Psi.DEFAULT_BINS];
    for (Item i : items) {
      h[Psi.bin(i.confidence(), Psi.DEFAULT_BINS)]++;
    }
    return h;
  }

  private static long[] mix(List<Item> items, int classes) {
    long[] m = new long[classes];
    for (Item i : items) {
      m[i.top()]++;
    }
    return m;
  }

  private static double[] sum(List<Item> items) {
    double[] s = new double[items.get(0).embedding().length];
    for (Item i : items) {
      for (int d = 0; d < s.length; d++) {
        s[d] += i.embedding()[d];
      }
    }
    return s;
  }
}
