package dev.sieve.tools.calibrate;

import java.util.ArrayList;
import java.util.List;

/**
 * How well "cosine similarity at or above t" finds near-duplicates, for a grid of t: among the
 * pairs at or above t, the share that are textually near-identical (precision) and the share with
 * the same gold label; the same within the band [t, next t) alone, which shows where in the grid
 * the pairs stop being copies; and the share of all near-identical pairs found by the scan that
 * reach t (recall, relative to the scan's floor).
 */
final class PairPrecision {

  /** One grid point. Precision and shares are NaN when no pair reaches {@code threshold}. */
  record Row(
      double threshold,
      int pairs,
      int nearIdentical,
      double precision,
      double sameLabel,
      int bandPairs,
      double bandPrecision,
      double recall) {}

  private PairPrecision() {}

  /**
   * @param similarity each pair's cosine similarity
   * @param nearIdentical whether each pair is textually near-identical
   * @param sameLabel whether each pair's texts have the same gold label
   * @param grid ascending thresholds
   */
  static List<Row> table(
      double[] similarity, boolean[] nearIdentical, boolean[] sameLabel, double[] grid) {
    if (similarity.length != nearIdentical.length || similarity.length != sameLabel.length) {
      throw new IllegalArgumentException("one similarity, flag and label flag per pair");
    }
    int allNear = 0;
    for (boolean b : nearIdentical) {
      allNear += b ? 1 : 0;
    }
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < grid.length; g++) {
      double t = grid[g];
      double next = g + 1 < grid.length ? grid[g + 1] : Double.POSITIVE_INFINITY;
      int pairs = 0;
      int near = 0;
      int same = 0;
      int band = 0;
      int bandNear = 0;
      for (int k = 0; k < similarity.length; k++) {
        if (similarity[k] >= t) {
          pairs++;
          near += nearIdentical[k] ? 1 : 0;
          same += sameLabel[k] ? 1 : 0;
          if (similarity[k] < next) {
            band++;
            bandNear += nearIdentical[k] ? 1 : 0;
          }
        }
      }
      rows.add(
          new Row(
              t,
              pairs,
              near,
              share(near, pairs),
              share(same, pairs),
              band,
              share(bandNear, band),
              share(near, allNear)));
    }
    return rows;
  }

  private static double share(int part, int whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }
}
