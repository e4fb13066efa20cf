package dev.sieve.learning.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The drift monitor on synthetic streams of three-class predictions with 32-dimensional embeddings,
 * one aspect shifted at a time. Windows and references are the defaults (500 events); a shift at a
 * window boundary must be found when the first window after it closes, one anywhere else within two
 * windows.
 */
class DriftMonitorTest {

  private static final String[] CLASSES = {"a", "b", "c"};
  private static final int DIM = 32;
  private static final long[] SEEDS = {1, 2, 3, 42, 2026};
  private static final int TWO_WINDOWS = 2 * DriftConfig.DEFAULT_WINDOW;

  /** How the synthetic stream behaves: top confidence, predicted-class mix, embedding centre. */
  private record Regime(double confidence, double[] mix, float[] centre) {

    Regime withConfidence(double c) {
      return new Regime(c, mix, centre);
    }

    Regime withMix(double... m) {
      return new Regime(confidence, m, centre);
    }

    Regime withCentre(float[] c) {
      return new Regime(confidence, mix, c);
    }
  }

  private static final Regime BASE = new Regime(0.85, new double[] {0.6, 0.3, 0.1}, axis(0, 1, 0));

  private final DriftMonitor monitor = new DriftMonitor(DriftConfig.defaults());

  @Test
  void stationaryStreamsRaiseNothing() {
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      DriftState state = new DriftState();

      List<DriftFinding> findings = feed(state, random, BASE, 1, 20_000);

      assertThat(findings).as("seed %d", seed).isEmpty();
    }
  }

  @Test
  void aConfidenceShiftIsFoundByConfidencePsiAloneWithinTwoWindows() {
    assertEachSeedFinds(BASE.withConfidence(0.6), DriftMonitor.CONFIDENCE_PSI, 2_250);
  }

  @Test
  void aClassMixShiftIsFoundByClassMixPsiAloneWithinTwoWindows() {
    assertEachSeedFinds(BASE.withMix(0.3, 0.3, 0.4), DriftMonitor.CLASS_MIX_PSI, 2_250);
  }

  @Test
  void aTwentyClassMixRaisesNothingWhileStationaryAndIsFoundWhenItShifts() {
    // 20 equally likely topics. Two samples of 500 have a class-mix PSI of about 0.076, above the
    // threshold calibrated on 2-4 classes (0.11) in about one pair in ten; the threshold for 20
    // classes is 0.29. Each segment is served by a new version, so each takes a fresh reference
    // and compares one window with it: 40 independent pairs per seed.
    String[] topics = new String[20];
    double[] even = new double[20];
    double[] skewed = new double[20];
    for (int c = 0; c < 20; c++) {
      topics[c] = "topic-" + c;
      even[c] = 0.05;
      skewed[c] = c < 10 ? 0.01 : 0.09; // PSI 0.88
    }
    assertThat(DriftConfig.defaults().classMixPsiFor(20)).isBetween(0.28, 0.30);
    int segment = DriftConfig.DEFAULT_REFERENCE + DriftConfig.DEFAULT_WINDOW;
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      DriftState state = new DriftState();
      for (int version = 1; version <= 40; version++) {
        assertThat(feed(state, random, topics, even, version, segment))
            .as("stationary, seed %d, version %d", seed, version)
            .isEmpty();
      }

      feed(state, random, topics, even, 41, DriftConfig.DEFAULT_REFERENCE);
      List<DriftFinding> findings = feed(state, random, topics, skewed, 41, TWO_WINDOWS);

      assertThat(findings)
          .as("seed %d", seed)
          .extracting(DriftFinding::detector)
          .containsExactly(DriftMonitor.CLASS_MIX_PSI);
      assertThat(findings.get(0).threshold()).isEqualTo(DriftConfig.defaults().classMixPsiFor(20));
    }
  }

  @Test
  void aTopicShiftIsFoundByTheCentroidAloneWithinTwoWindows() {
    // 30 degrees away: cosine distance 0.134 between the centres.
    float[] turned = axis(0, (float) Math.cos(Math.PI / 6), (float) Math.sin(Math.PI / 6));
    assertEachSeedFinds(BASE.withCentre(turned), DriftMonitor.CENTROID_COSINE, 2_250);
  }

  @Test
  void aShiftAtAWindowBoundaryIsFoundWhenTheNextWindowCloses() {
    Random random = new Random(7);
    DriftState state = new DriftState();
    assertThat(feed(state, random, BASE, 1, 2_000)).isEmpty();

    List<DriftFinding> findings = feed(state, random, BASE.withMix(0.3, 0.3, 0.4), 1, 500);

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.detector()).isEqualTo(DriftMonitor.CLASS_MIX_PSI);
              assertThat(f.atEvent()).isEqualTo(2_500);
              assertThat(f.referenceSize()).isEqualTo(500);
              assertThat(f.windowSize()).isEqualTo(500);
              assertThat(f.modelVersion()).isEqualTo(1);
              assertThat(f.statistic()).isGreaterThan(f.threshold());
            });
  }

  @Test
  void oneShiftGivesOneAlertPerDetectorAndTheNewRegimeBecomesTheReference() {
    Random random = new Random(11);
    DriftState state = new DriftState();
    feed(state, random, BASE, 1, 2_000);
    Regime shifted = new Regime(0.6, new double[] {0.3, 0.3, 0.4}, axis(1, 0, 0));

    // 12,000 events of the new regime: past the cooldown (5,000) and a fresh reference.
    List<DriftFinding> findings = feed(state, random, shifted, 1, 12_000);

    assertThat(findings)
        .extracting(DriftFinding::detector)
        .containsExactlyInAnyOrder(
            DriftMonitor.CONFIDENCE_PSI, DriftMonitor.CLASS_MIX_PSI, DriftMonitor.CENTROID_COSINE);
  }

  @Test
  void aSecondShiftAfterTheCooldownIsFoundAgain() {
    Random random = new Random(13);
    DriftState state = new DriftState();
    feed(state, random, BASE, 1, 2_000);
    Regime second = BASE.withMix(0.3, 0.3, 0.4);
    assertThat(feed(state, random, second, 1, 8_000)).hasSize(1);

    List<DriftFinding> again = feed(state, random, BASE, 1, 1_000);

    assertThat(again)
        .extracting(DriftFinding::detector)
        .containsExactly(DriftMonitor.CLASS_MIX_PSI);
  }

  @Test
  void everyClosedWindowIsReportedAndTheAlertedOnesAreTheFindings() {
    Random random = new Random(23);
    DriftState state = new DriftState();
    List<DriftWindow> windows = new ArrayList<>();
    List<DriftFinding> findings = new ArrayList<>();
    Regime shifted = BASE.withMix(0.3, 0.3, 0.4);
    for (int i = 0; i < 3_000; i++) {
      Regime regime = i < 2_000 ? BASE : shifted;
      int predicted = sample(random, regime.mix());
      double[] scores = new double[CLASSES.length];
      for (int c = 0; c < scores.length; c++) {
        scores[c] = c == predicted ? 0.85 : 0.075;
      }
      findings.addAll(
          monitor.observe(state, 1, CLASSES, scores, noisy(random, regime), windows::add));
    }

    // reference: events 1-500; windows close at 1,000, 1,500, ... for each of three detectors,
    // except the class mix's, muted after its alert at 2,500
    assertThat(windows)
        .filteredOn(w -> w.detector().equals(DriftMonitor.CENTROID_COSINE))
        .extracting(DriftWindow::atEvent)
        .containsExactly(1_000L, 1_500L, 2_000L, 2_500L, 3_000L);
    assertThat(windows)
        .filteredOn(w -> w.detector().equals(DriftMonitor.CLASS_MIX_PSI))
        .extracting(DriftWindow::atEvent)
        .containsExactly(1_000L, 1_500L, 2_000L, 2_500L);
    assertThat(windows)
        .allSatisfy(
            w -> {
              assertThat(w.alerted()).isEqualTo(w.statistic() > w.threshold());
              assertThat(w.referenceSize()).isEqualTo(500);
              assertThat(w.windowSize()).isEqualTo(500);
              assertThat(w.modelVersion()).isEqualTo(1);
              assertThat(w.statistic()).isFinite().isGreaterThanOrEqualTo(0);
            });
    assertThat(windows)
        .filteredOn(DriftWindow::alerted)
        .extracting(DriftWindow::detector, DriftWindow::statistic, DriftWindow::atEvent)
        .containsExactlyElementsOf(
            findings.stream()
                .map(
                    f ->
                        org.assertj.core.groups.Tuple.tuple(
                            f.detector(), f.statistic(), f.atEvent()))
                .toList());
    assertThat(findings).extracting(DriftFinding::detector).contains(DriftMonitor.CLASS_MIX_PSI);
  }

  @Test
  void aNewModelVersionRestartsTheReference() {
    Random random = new Random(17);
    DriftState state = new DriftState();
    feed(state, random, BASE, 1, 2_000);
    Regime shifted = new Regime(0.6, new double[] {0.3, 0.3, 0.4}, axis(1, 0, 0));

    // The shift arrives together with version 2: its reference is taken on the new regime.
    List<DriftFinding> findings = feed(state, random, shifted, 2, 10_000);

    assertThat(findings).isEmpty();
    assertThat(state.modelVersion).isEqualTo(2);
    assertThat(state.events).isEqualTo(10_000);
  }

  @Test
  void aNewVersionEndsACooldown() {
    Random random = new Random(19);
    DriftState state = new DriftState();
    feed(state, random, BASE, 1, 2_000);
    assertThat(feed(state, random, BASE.withMix(0.3, 0.3, 0.4), 1, 1_000)).hasSize(1);

    // Version 2 serves the old regime, then the mix shifts again: found without waiting 5,000.
    feed(state, random, BASE, 2, 1_000);
    List<DriftFinding> findings = feed(state, random, BASE.withMix(0.3, 0.3, 0.4), 2, 1_000);

    assertThat(findings)
        .extracting(DriftFinding::detector)
        .containsExactly(DriftMonitor.CLASS_MIX_PSI);
    assertThat(findings.get(0).modelVersion()).isEqualTo(2);
  }

  @Test
  void anErrorRateJumpIsFoundWithin200LabelsAndOnlyOnceUntilTheCooldownEnds() {
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      DriftState state = new DriftState();
      feed(state, random, BASE, 1, 100);
      for (int i = 0; i < 1_000; i++) {
        assertThat(monitor.observeLabel(state, 1, random.nextDouble() < 0.1)).isEmpty();
      }
      int delay = 0;
      DriftFinding found = null;
      while (found == null && delay < 2_000) {
        found = monitor.observeLabel(state, 1, random.nextDouble() < 0.4).orElse(null);
        delay++;
      }

      assertThat(found).as("seed %d", seed).isNotNull();
      assertThat(found.detector()).isEqualTo(DriftMonitor.ERROR_PAGE_HINKLEY);
      assertThat(delay).as("labels after the jump, seed %d", seed).isLessThanOrEqualTo(200);
      for (int i = 0; i < 1_000; i++) {
        assertThat(monitor.observeLabel(state, 1, random.nextDouble() < 0.4)).isEmpty();
      }
    }
  }

  @Test
  void labelsOfAnotherVersionsGuessesAreNotTested() {
    DriftState state = new DriftState();
    feed(state, new Random(3), BASE, 2, 10);

    for (int i = 0; i < 1_000; i++) {
      assertThat(monitor.observeLabel(state, 1, true)).isEmpty();
    }
    assertThat(state.errorCount).isZero();
  }

  private void assertEachSeedFinds(Regime shifted, String detector, int switchAt) {
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      DriftState state = new DriftState();
      assertThat(feed(state, random, BASE, 1, switchAt)).as("before, seed %d", seed).isEmpty();

      List<DriftFinding> findings = feed(state, random, shifted, 1, TWO_WINDOWS);

      assertThat(findings)
          .as("seed %d", seed)
          .extracting(DriftFinding::detector)
          .containsExactly(detector);
      assertThat(findings.get(0).atEvent() - switchAt).isLessThanOrEqualTo(TWO_WINDOWS);
    }
  }

  private List<DriftFinding> feed(
      DriftState state, Random random, Regime regime, int version, int events) {
    List<DriftFinding> findings = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      int predicted = sample(random, regime.mix());
      double top = Math.max(0.4, Math.min(1, regime.confidence() + 0.08 * random.nextGaussian()));
      double[] scores = new double[CLASSES.length];
      for (int c = 0; c < scores.length; c++) {
        scores[c] = c == predicted ? top : (1 - top) / (CLASSES.length - 1);
      }
      findings.addAll(monitor.observe(state, version, CLASSES, scores, noisy(random, regime)));
    }
    return findings;
  }

  /** {@code classes} predicted with {@code mix}, confidence and embeddings as {@link #BASE}'s. */
  private List<DriftFinding> feed(
      DriftState state, Random random, String[] classes, double[] mix, int version, int events) {
    List<DriftFinding> findings = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      int predicted = sample(random, mix);
      double top = Math.max(0.4, Math.min(1, BASE.confidence() + 0.08 * random.nextGaussian()));
      double[] scores = new double[classes.length];
      for (int c = 0; c < scores.length; c++) {
        scores[c] = c == predicted ? top : (1 - top) / (classes.length - 1);
      }
      findings.addAll(monitor.observe(state, version, classes, scores, noisy(random, BASE)));
    }
    return findings;
  }

  private static int sample(Random random, double[] mix) {
    double u = random.nextDouble();
    for (int i = 0; i < mix.length - 1; i++) {
      u -= mix[i];
      if (u < 0) {
        return i;
      }
    }
    return mix.length - 1;
  }

  /** The regime's centre plus Gaussian noise (0.1 a dimension), L2-normalised like MiniLM's. */
  private static float[] noisy(Random random, Regime regime) {
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = regime.centre()[i] + (float) (0.1 * random.nextGaussian());
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  private static float[] axis(float x, float y, float z) {
    float[] v = new float[DIM];
    v[0] = x;
    v[1] = y;
    v[2] = z;
    return v;
  }
}
