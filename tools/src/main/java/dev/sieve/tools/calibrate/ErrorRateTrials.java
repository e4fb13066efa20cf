package dev.sieve.tools.calibrate;

import dev.sieve.learning.drift.PageHinkley;
import java.util.Random;

/**
 * Simulated error streams of labelled predictions (1 = the model was wrong) for the job's
 * Page-Hinkley detector: independent Bernoulli draws at a given error rate, which is what the
 * labels of randomly chosen predictions are.
 */
final class ErrorRateTrials {

  private final double delta;
  private final int minInstances;

  ErrorRateTrials(double delta, int minInstances) {
    this.delta = delta;
    this.minInstances = minInstances;
  }

  /**
   * The largest Page-Hinkley statistic of each of {@code trials} stationary streams of {@code
   * labels} labels at {@code errorRate}, counted from the first label at which it may alarm.
   */
  double[] stationaryMax(double errorRate, int labels, int trials, Random random) {
    double[] max = new double[trials];
    for (int t = 0; t < trials; t++) {
      // lambda is irrelevant here: only the statistic is read
      PageHinkley ph = new PageHinkley(delta, Double.MAX_VALUE, minInstances);
      for (int i = 0; i < labels; i++) {
        ph.add(random.nextDouble() < errorRate ? 1 : 0);
        if (ph.count() >= minInstances) {
          max[t] = Math.max(max[t], ph.statistic());
        }
      }
    }
    return max;
  }

  /**
   * Labels from an error-rate jump ({@code before} to {@code after}, after {@code prefix} labels)
   * to the alarm at {@code lambda}; -1 when there is none within {@code maxAfter} labels. An alarm
   * inside the prefix is counted in {@code falseAlarms[0]} and the stream goes on (the detector is
   * reset, as the job resets it after an alert).
   */
  int[] delays(
      double before,
      double after,
      int prefix,
      int maxAfter,
      double lambda,
      int trials,
      Random random,
      int[] falseAlarms) {
    int[] delay = new int[trials];
    for (int t = 0; t < trials; t++) {
      PageHinkley ph = new PageHinkley(delta, lambda, minInstances);
      for (int i = 0; i < prefix; i++) {
        if (ph.add(random.nextDouble() < before ? 1 : 0)) {
          falseAlarms[0]++;
          ph.reset();
        }
      }
      delay[t] = -1;
      for (int i = 1; i <= maxAfter; i++) {
        if (ph.add(random.nextDouble() < after ? 1 : 0)) {
          delay[t] = i;
          break;
        }
      }
    }
    return delay;
  }
}
