package dev.sieve.tools.eval;

import java.util.List;

/**
 * Test-split macro-F1 of one strategy on one seed, after each retraining step.
 *
 * @param points in increasing label count, the first at 0 labels (the zero-shot version 0)
 */
record LearningCurve(String strategy, long seed, List<Point> points) {

  /** The head trained on the first {@code labels} labels scored {@code macroF1} on the test set. */
  record Point(int labels, double macroF1) {}

  LearningCurve {
    points = List.copyOf(points);
  }

  Point last() {
    return points.get(points.size() - 1);
  }
}
