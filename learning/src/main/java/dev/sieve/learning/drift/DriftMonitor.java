package dev.sieve.learning.drift;

import dev.sieve.learning.drift.DetectorState.Phase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watches one classifier's stream for drift with four detectors, all state in a {@link DriftState}
 * the caller keeps (keyed state in the Flink job):
 *
 * <ul>
 *   <li>{@value #CONFIDENCE_PSI}: PSI of the top-class confidence histogram ({@link Psi});
 *   <li>{@value #CLASS_MIX_PSI}: PSI of the predicted-class counts;
 *   <li>{@value #CENTROID_COSINE}: cosine distance between the mean embeddings ({@link
 *       CentroidShift#cosineDistance}, from running sums);
 *   <li>{@value #ERROR_PAGE_HINKLEY}: Page-Hinkley test ({@link PageHinkley}) on the 0/1 error of
 *       labelled predictions.
 * </ul>
 *
 * <p>The three distribution detectors take a reference of the first {@link
 * DriftConfig#referenceSize()} events after a model version starts serving, then compare tumbling
 * windows of {@link DriftConfig#windowSize()} events with it. A new version (or a new class list)
 * restarts every detector: its scores have a distribution of their own. After a finding a detector
 * is muted for {@link DriftConfig#cooldownEvents()} events, then takes a fresh reference, so one
 * shift gives one alert per detector instead of one per window; a retrained version usually arrives
 * first and restarts it anyway. Every closed window, alerted or not, can be observed as a {@link
 * DriftWindow}; the error detector is cumulative and has none.
 */
public final class DriftMonitor {

  public static final String CONFIDENCE_PSI = "confidence-psi";
  public static final String CLASS_MIX_PSI = "class-mix-psi";
  public static final String CENTROID_COSINE = "centroid-cosine";
  public static final String ERROR_PAGE_HINKLEY = "error-page-hinkley";

  private final DriftConfig config;

  public DriftMonitor(DriftConfig config) {
    this.config = config;
  }

  public DriftConfig config() {
    return config;
  }

  /**
   * Observes one prediction of the classifier.
   *
   * @param classes the classifier's classes, in the order of {@code scores}
   * @param scores the model's probabilities (each in [0, 1])
   * @param embedding the text's embedding
   * @return the findings of the detectors whose window closed above their threshold (often none)
   */
  public List<DriftFinding> observe(
      DriftState state, int modelVersion, String[] classes, double[] scores, float[] embedding) {
    return observe(state, modelVersion, classes, scores, embedding, window -> {});
  }

  /**
   * {@link #observe(DriftState, int, String[], double[], float[])}, also handing every window that
   * closed with this event to {@code windows}, alerted or not (at most one per windowed detector).
   */
  public List<DriftFinding> observe(
      DriftState state,
      int modelVersion,
      String[] classes,
      double[] scores,
      float[] embedding,
      Consumer<DriftWindow> windows) {
    if (classes.length != scores.length || classes.length == 0) {
      throw new IllegalArgumentException(
          classes.length + " classes but " + scores.length + " scores");
    }
    if (state.modelVersion != modelVersion || !Arrays.equals(state.classes, classes)) {
      restart(state, modelVersion, classes);
    }
    state.events++;
    if (state.errorMuted && state.events >= state.errorMutedUntilEvent) {
      state.resetError();
    }

    int predicted = argMax(scores);
    int bins = config.confidenceBins();
    List<DriftFinding> findings = new ArrayList<>(1);
    histogram(
            state,
            state.confidence,
            CONFIDENCE_PSI,
            config.confidencePsi(),
            Psi.bin(scores[predicted], bins),
            bins,
            windows)
        .ifPresent(findings::add);
    histogram(
            state,
            state.classMix,
            CLASS_MIX_PSI,
            config.classMixPsiFor(classes.length),
            predicted,
            classes.length,
            windows)
        .ifPresent(findings::add);
    centroid(state, embedding, windows).ifPresent(findings::add);
    return findings;
  }

  /**
   * Observes one human label of a prediction served by {@code servedVersion}. Labels of another
   * version's predictions are ignored: the detector tests the serving version's error rate.
   *
   * @param error whether the label differs from the model's guess
   */
  public Optional<DriftFinding> observeLabel(DriftState state, int servedVersion, boolean error) {
    if (servedVersion != state.modelVersion || state.errorMuted) {
      return Optional.empty();
    }
    PageHinkley test =
        new PageHinkley(config.errorDelta(), config.errorLambda(), config.errorMinLabels())
            .restore(state.errorCount, state.errorMean, state.errorCumulative, state.errorMinimum);
    boolean alarm = test.add(error ? 1 : 0);
    state.errorCount = test.count();
    state.errorMean = test.mean();
    state.errorCumulative = test.cumulative();
    state.errorMinimum = test.minimum();
    if (!alarm) {
      return Optional.empty();
    }
    DriftFinding finding =
        new DriftFinding(
            ERROR_PAGE_HINKLEY,
            test.statistic(),
            config.errorLambda(),
            (int) Math.min(Integer.MAX_VALUE, test.count()),
            0, // a cumulative test: no window
            state.modelVersion,
            state.events);
    state.errorMuted = true;
    state.errorMutedUntilEvent = state.events + config.cooldownEvents();
    return Optional.of(finding);
  }

  private Optional<DriftFinding> histogram(
      DriftState state,
      DetectorState d,
      String name,
      double threshold,
      int bin,
      int bins,
      Consumer<DriftWindow> windows) {
    if (!readyFor(state, d)) {
      return Optional.empty();
    }
    if (d.referenceCounts.length != bins) {
      d.restart();
      d.referenceCounts = new long[bins];
      d.windowCounts = new long[bins];
    }
    if (d.phase == Phase.REFERENCE) {
      d.referenceCounts[bin]++;
      d.referenceCount++;
      if (d.referenceCount >= config.referenceSize()) {
        d.phase = Phase.MONITORING;
      }
      return Optional.empty();
    }
    d.windowCounts[bin]++;
    d.windowCount++;
    if (d.windowCount < config.windowSize()) {
      return Optional.empty();
    }
    double psi = Psi.between(d.referenceCounts, d.windowCounts, Psi.DEFAULT_EPSILON);
    return closeWindow(state, d, name, psi, threshold, windows);
  }

  private Optional<DriftFinding> centroid(
      DriftState state, float[] embedding, Consumer<DriftWindow> windows) {
    DetectorState d = state.centroid;
    if (!readyFor(state, d)) {
      return Optional.empty();
    }
    if (d.referenceSum.length != embedding.length) {
      d.restart(); // a new embedding dimension: the old sums mean nothing
      d.referenceSum = new double[embedding.length];
      d.windowSum = new double[embedding.length];
    }
    if (d.phase == Phase.REFERENCE) {
      add(d.referenceSum, embedding);
      d.referenceCount++;
      if (d.referenceCount >= config.referenceSize()) {
        d.phase = Phase.MONITORING;
      }
      return Optional.empty();
    }
    add(d.windowSum, embedding);
    d.windowCount++;
    if (d.windowCount < config.windowSize()) {
      return Optional.empty();
    }
    double distance;
    try {
      distance = CentroidShift.cosineDistance(d.referenceSum, d.windowSum);
    } catch (IllegalStateException zeroMean) {
      distance = 0; // embeddings cancelling out exactly: no direction to compare
    }
    return closeWindow(state, d, CENTROID_COSINE, distance, config.centroidDistance(), windows);
  }

  /** Ends a muted detector's cooldown when it is over; false while it is still muted. */
  private static boolean readyFor(DriftState state, DetectorState d) {
    if (d.phase != Phase.MUTED) {
      return true;
    }
    if (state.events < d.mutedUntilEvent) {
      return false;
    }
    d.restart();
    return true;
  }

  private Optional<DriftFinding> closeWindow(
      DriftState state,
      DetectorState d,
      String name,
      double statistic,
      double threshold,
      Consumer<DriftWindow> windows) {
    int window = d.windowCount;
    d.windowCount = 0;
    Arrays.fill(d.windowCounts, 0);
    Arrays.fill(d.windowSum, 0);
    boolean alerted = statistic > threshold;
    windows.accept(
        new DriftWindow(
            name,
            statistic,
            threshold,
            alerted,
            d.referenceCount,
            window,
            state.modelVersion,
            state.events));
    if (!alerted) {
      return Optional.empty();
    }
    DriftFinding finding =
        new DriftFinding(
            name, statistic, threshold, d.referenceCount, window, state.modelVersion, state.events);
    d.restart();
    d.phase = Phase.MUTED;
    d.mutedUntilEvent = state.events + config.cooldownEvents();
    return Optional.of(finding);
  }

  private static void restart(DriftState state, int modelVersion, String[] classes) {
    state.modelVersion = modelVersion;
    state.classes = classes.clone();
    state.events = 0;
    state.confidence.restart();
    state.classMix.restart();
    state.centroid.restart();
    state.resetError();
  }

  private static void add(double[] sum, float[] v) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += v[i];
    }
  }

  private static int argMax(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }
}
