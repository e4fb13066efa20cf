package dev.sieve.learning.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

  private static final String[] CLASSES = {"ham", "spam"};
  private static final int DIM = 16;

  /** No cold start, no rate limit, so a test sees one rule at a time. */
  private static SelectionConfig config() {
    return SelectionConfig.defaults().withBudget(0.05, 0);
  }

  private static SelectionConfig warm(SelectionConfig c) {
    return new SelectionConfig(
        c.measure(),
        c.budgetFraction(),
        c.requestsPerMinute(),
        c.randomShare(),
        c.duplicateSimilarity(),
        c.rareClassBoost(),
        0,
        c.window(),
        c.driftBoostFactor(),
        c.driftBoostEvents(),
        c.seed());
  }

  private static float[] randomUnit(Random random) {
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  /** MIN_WINDOW confident events, none asked: after them the threshold stands. */
  private static void fillWindow(
      LabelSelector selector, SelectorState state, EmbeddingMemory memory) {
    var random = new Random(99);
    for (int i = 0; i < LabelSelector.MIN_WINDOW; i++) {
      var sure = new double[] {0.9, 0.1};
      Decision d =
          selector.offer(state, "fill-" + i, CLASSES, sure, 1, randomUnit(random), memory, 0);
      assertThat(d.asked()).isFalse();
    }
  }

  private record Run(List<Decision> decisions, List<Double> confidences, SelectorState state) {
    long asked() {
      return decisions.stream().filter(Decision::asked).count();
    }
  }

  private static Run stream(LabelSelector selector, int events, long seed, long msPerEvent) {
    var random = new Random(seed);
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(1_000);
    var decisions = new ArrayList<Decision>();
    var confidences = new ArrayList<Double>();
    for (int i = 0; i < events; i++) {
      double p = random.nextDouble();
      decisions.add(
          selector.offer(
              state,
              "id-" + i,
              CLASSES,
              new double[] {p, 1 - p},
              1,
              randomUnit(random),
              memory,
              i * msPerEvent));
      confidences.add(Math.max(p, 1 - p));
    }
    return new Run(decisions, confidences, state);
  }

  @Test
  void asksAboutTheBudgetsShareOfTrafficAndNoMore() {
    var run = stream(new LabelSelector(warm(config())), 10_000, 1, 10);
    // 5 % of 10,000 plus the small burst the share bucket allows.
    assertThat(run.asked()).isBetween(400L, 505L);
    assertThat(run.state().requested).isEqualTo(run.asked());
  }

  @Test
  void perMinuteBudgetCapsABurst() {
    // 10,000 events in 10 simulated seconds at 10 requests a minute: about 10 + 10/6 asks.
    var selector = new LabelSelector(warm(SelectionConfig.defaults().withBudget(0.05, 10)));
    var run = stream(selector, 10_000, 2, 1);
    assertThat(run.asked()).isBetween(1L, 12L);
    assertThat(run.state().overBudget).isPositive();
  }

  @Test
  void uncertainSamplesAreAskedAndTheRandomShareIsUnbiased() {
    var run = stream(new LabelSelector(warm(config())), 20_000, 3, 10);
    double all = run.confidences().stream().mapToDouble(d -> d).average().orElseThrow();
    double uncertain = 0;
    int nUncertain = 0;
    double random = 0;
    int nRandom = 0;
    for (int i = 0; i < run.decisions().size(); i++) {
      Decision d = run.decisions().get(i);
      if (d.randomShare()) {
        random += run.confidences().get(i);
        nRandom++;
      } else if (d.asked()) {
        uncertain += run.confidences().get(i);
        nUncertain++;
      }
    }
    // Confidence is uniform on [0.5, 1): mean 0.75. Margin picks the top ~5 %: near 0.5.
    assertThat(all).isBetween(0.74, 0.76);
    assertThat(uncertain / nUncertain).isLessThan(0.56);
    // The random share: about its share of the requests, and as confident as the traffic.
    assertThat((double) nRandom / (nRandom + nUncertain))
        .isCloseTo(config().randomShare(), within(0.08));
    assertThat(random / nRandom).isBetween(0.68, 0.82);
  }

  @Test
  void randomizedUncertaintyAlsoAsksLessUncertainEventsWithinTheSameBudget() {
    var plain = stream(new LabelSelector(warm(config()).withRandomShare(0)), 20_000, 3, 10);
    var jittered =
        stream(
            new LabelSelector(warm(config()).withRandomShare(0).withUncertaintyJitter(1)),
            20_000,
            3,
            10);
    // Same budget: about 5 % of the traffic either way.
    assertThat(plain.asked()).isBetween(900L, 1_010L);
    assertThat(jittered.asked()).isBetween(900L, 1_010L);
    // Confidence is uniform on [0.5, 1). Plain margin asks only about the top ~5 % (below 0.53);
    // with eta ~ N(1, 1) a good share of the requests are events the model is surer about.
    assertThat(askedAbove(plain, 0.6)).isZero();
    assertThat(askedAbove(jittered, 0.6)).isGreaterThan(0.2);
    // ... yet only among the fairly uncertain: eta would have to be about 5 or more for 0.8.
    assertThat(askedAbove(jittered, 0.8)).isLessThan(0.01);
  }

  @Test
  void theJitterFactorIsANormalDrawFixedByTheContentId() {
    var selector = new LabelSelector(config().withUncertaintyJitter(0.5));
    double sum = 0;
    double squares = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      double eta = selector.jitter("id-" + i);
      sum += eta;
      squares += eta * eta;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(1, within(0.02));
    assertThat(Math.sqrt(squares / n - mean * mean)).isCloseTo(0.5, within(0.02));
    assertThat(selector.jitter("id-7")).isEqualTo(selector.jitter("id-7"));
    assertThat(new LabelSelector(config().withUncertaintyJitter(0)).jitter("id-7")).isEqualTo(1);
  }

  /** The share of the uncertainty requests (not random ones) whose confidence was above c. */
  private static double askedAbove(Run run, double c) {
    long asked = 0;
    long above = 0;
    for (int i = 0; i < run.decisions().size(); i++) {
      Decision d = run.decisions().get(i);
      if (d.asked() && !d.randomShare()) {
        asked++;
        if (run.confidences().get(i) > c) {
          above++;
        }
      }
    }
    return (double) above / asked;
  }

  @Test
  void nearDuplicatesOfAskedSamplesAreNotAskedAgain() {
    var selector = new LabelSelector(warm(config().withRandomShare(0)));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(100);
    float[] e = randomUnit(new Random(4));
    float[] nearlyE = e.clone();
    nearlyE[0] += 0.01f; // cosine ~0.9999
    var tied = new double[] {0.5, 0.5};
    fillWindow(selector, state, memory);
    assertThat(selector.offer(state, "a", CLASSES, tied, 1, e, memory, 0).asked()).isTrue();
    state.shareTokens = 5;
    Decision again = selector.offer(state, "b", CLASSES, tied, 1, nearlyE, memory, 0);
    assertThat(again.outcome()).isEqualTo(Decision.Outcome.NEAR_DUPLICATE);
    Decision other =
        selector.offer(state, "c", CLASSES, tied, 1, randomUnit(new Random(5)), memory, 0);
    assertThat(other.asked()).isTrue();
  }

  @Test
  void labelledSamplesSuppressTheirNearDuplicates() {
    var selector = new LabelSelector(warm(config().withRandomShare(0)));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(100);
    float[] e = randomUnit(new Random(6));
    fillWindow(selector, state, memory);
    assertThat(selector.onLabel(state, "spam", e, memory)).isTrue();
    assertThat(selector.onLabel(state, "eggs", e, memory)).isFalse();
    assertThat(state.labelled).containsExactly(0, 1);
    state.shareTokens = 5;
    assertThat(
            selector.offer(state, "d", CLASSES, new double[] {0.5, 0.5}, 1, e, memory, 0).outcome())
        .isEqualTo(Decision.Outcome.NEAR_DUPLICATE);
  }

  @Test
  void coldStartCoversEveryClassThenUncertaintyTakesOver() {
    var selector = new LabelSelector(config().withRandomShare(0));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(1_000);
    var random = new Random(8);
    // A confident model that says spam 1 time in 10: coverage still asks about spam.
    int spamAsked = 0;
    int hamAsked = 0;
    for (int i = 0; i < 2_000; i++) {
      boolean spam = i % 10 == 0;
      double[] p = spam ? new double[] {0.02, 0.98} : new double[] {0.97, 0.03};
      Decision d = selector.offer(state, "id-" + i, CLASSES, p, 1, randomUnit(random), memory, 0);
      if (d.asked() && d.strategy().equals(LabelSelector.COVERAGE)) {
        if (spam) {
          spamAsked++;
        } else {
          hamAsked++;
        }
      }
    }
    // Both classes covered, each up to the cap of 3 x 10 pending requests.
    assertThat(spamAsked).isBetween(10, 30);
    assertThat(hamAsked).isBetween(10, 30);
    assertThat(selector.coldStart(state)).isTrue();
    for (int i = 0; i < 10; i++) {
      selector.onLabel(state, "ham", randomUnit(random), memory);
      selector.onLabel(state, "spam", randomUnit(random), memory);
    }
    assertThat(selector.coldStart(state)).isFalse();
    state.shareTokens = 5;
    Decision d =
        selector.offer(
            state, "x", CLASSES, new double[] {0.5, 0.5}, 1, randomUnit(random), memory, 0);
    assertThat(d.asked()).isTrue();
    assertThat(d.strategy()).isEqualTo("margin");
    // The coverage window is not kept once every class is covered.
    assertThat(state.coverageWindow).isEmpty();
  }

  @Test
  void coverageAsksTheTextsMostLikeAClassTheModelNeverPredicts() {
    var selector = new LabelSelector(config().withRandomShare(0));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(1_000);
    var random = new Random(12);
    // A version 0 that says ham for everything: spam scores spread over 0.05-0.45.
    List<Double> spamScoresAsked = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      double spam = 0.05 + 0.4 * random.nextDouble();
      Decision d =
          selector.offer(
              state,
              "id-" + i,
              CLASSES,
              new double[] {1 - spam, spam},
              0,
              randomUnit(random),
              memory,
              0);
      if (d.asked() && d.strategy().equals(LabelSelector.COVERAGE)) {
        spamScoresAsked.add(spam);
      }
    }
    // Both classes are covered, each by the texts scoring highest for it (the top 5 % of the
    // window: spam above about 0.43, ham's own score above about 0.93), none from the middle.
    long asSpam = spamScoresAsked.stream().filter(p -> p > 0.38).count();
    long asHam = spamScoresAsked.stream().filter(p -> p < 0.12).count();
    assertThat(asSpam).isBetween(10L, 30L);
    assertThat(asHam).isBetween(10L, 30L);
    assertThat(asSpam + asHam).isEqualTo(spamScoresAsked.size());
    // Counted as asked about spam (so its cap applies), though the model predicted ham.
    assertThat(state.asked[1]).isEqualTo(asSpam);
  }

  @Test
  void rareClassesAreBoosted() {
    var selector = new LabelSelector(warm(config().withRandomShare(0)));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(10_000);
    var random = new Random(9);
    selector.offer(
        state, "warm-up", CLASSES, new double[] {0.9, 0.1}, 1, randomUnit(random), memory, 0);
    for (int i = 0; i < 100; i++) {
      selector.onLabel(state, "ham", randomUnit(random), memory);
    }
    selector.onLabel(state, "spam", randomUnit(random), memory);
    // Same uncertainty either way; only the predicted class differs.
    int hamAsked = 0;
    int spamAsked = 0;
    for (int i = 0; i < 10_000; i++) {
      boolean spamGuess = random.nextBoolean();
      double p = 0.6 + 0.4 * random.nextDouble();
      double[] scores = spamGuess ? new double[] {1 - p, p} : new double[] {p, 1 - p};
      Decision d =
          selector.offer(state, "id-" + i, CLASSES, scores, 1, randomUnit(random), memory, 0);
      if (d.asked()) {
        if (spamGuess) {
          spamAsked++;
          assertThat(d.strategy()).isEqualTo(LabelSelector.RARE_CLASS);
        } else {
          hamAsked++;
        }
      }
    }
    assertThat(spamAsked).isGreaterThan(3 * hamAsked);
  }

  @Test
  void driftRaisesTheBudgetForAWhile() {
    var selector = new LabelSelector(warm(config()));
    var quiet = stream(selector, 4_000, 10, 10);
    var boosted = new LabelSelector(warm(config()));
    var state = new SelectorState();
    boosted.boostAfterDrift(state);
    var memory = new RingEmbeddingMemory(1_000);
    var random = new Random(10);
    long asked = 0;
    for (int i = 0; i < 4_000; i++) {
      double p = random.nextDouble();
      if (boosted
          .offer(
              state,
              "id-" + i,
              CLASSES,
              new double[] {p, 1 - p},
              1,
              randomUnit(random),
              memory,
              i * 10L)
          .asked()) {
        asked++;
      }
    }
    // 2,000 events at 3x then 2,000 at 1x: about 2x the quiet run.
    assertThat((double) asked / quiet.asked()).isBetween(1.6, 2.4);
  }

  @Test
  void sameStreamSameDecisions() {
    var a = stream(new LabelSelector(config()), 3_000, 11, 5);
    var b = stream(new LabelSelector(config()), 3_000, 11, 5);
    assertThat(a.decisions()).isEqualTo(b.decisions());
  }

  @Test
  void aNewModelVersionRestartsThePriorityWindow() {
    var selector = new LabelSelector(warm(config().withRandomShare(0)));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(1_000);
    var random = new Random(12);
    for (int i = 0; i < 500; i++) {
      selector.offer(
          state, "id-" + i, CLASSES, new double[] {0.5, 0.5}, 1, randomUnit(random), memory, 0);
    }
    // Version 1 saw only ties (priority 1): under its threshold no less uncertain event would ever
    // be asked. Version 2's window starts empty, and until it holds MIN_WINDOW priorities nothing
    // is asked at all (no threshold yet); the share saved meanwhile goes to the first event at the
    // top of version 2's own priorities.
    state.shareTokens = 0;
    for (int i = 0; i < LabelSelector.MIN_WINDOW; i++) {
      double p = 0.9 + 0.1 * random.nextDouble();
      var sure = new double[] {p, 1 - p};
      Decision d =
          selector.offer(state, "v2-" + i, CLASSES, sure, 2, randomUnit(random), memory, 0);
      assertThat(d.asked()).as("event %d of version 2", i).isFalse();
    }
    var unsureScores = new double[] {0.7, 0.3};
    Decision unsure =
        selector.offer(state, "v2-unsure", CLASSES, unsureScores, 2, randomUnit(random), memory, 0);
    assertThat(unsure.asked()).isTrue();
    assertThat(state.modelVersion).isEqualTo(2);
  }

  @Test
  void uniformDrawIsSpreadOverSimilarIds() {
    int below = 0;
    for (int i = 0; i < 10_000; i++) {
      if (LabelSelector.uniform(String.format("sms-%05d", i), 42) < 0.1) {
        below++;
      }
    }
    assertThat(below).isBetween(900, 1_100);
  }

  /**
   * Nine events in ten are about topic A and all of them more uncertain than topic B's: margin
   * sampling spends the whole budget on A; cluster balance gives B about its share of the traffic,
   * its most uncertain events.
   */
  private static long[] askedPerTopic(Diversity diversity) {
    var selector =
        new LabelSelector(warm(config()).withRandomShare(0).withDiversity(diversity, 2, 1));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(1_000);
    var random = new Random(11);
    long[] asked = new long[2];
    for (int i = 0; i < 20_000; i++) {
      int topic = i % 10 == 5 ? 1 : 0;
      double p = topic == 0 ? 0.45 + 0.1 * random.nextDouble() : 0.6 + 0.3 * random.nextDouble();
      Decision d =
          selector.offer(
              state,
              "id-" + i,
              CLASSES,
              new double[] {p, 1 - p},
              1,
              StreamClustersTest.near(topic, 0.1, random),
              memory,
              0);
      if (d.asked()) {
        asked[topic]++;
      }
    }
    return asked;
  }

  @Test
  void clusterBalanceSpreadsRequestsOverTheTopicsOfTheStream() {
    long[] margin = askedPerTopic(Diversity.NONE);
    long[] balance = askedPerTopic(Diversity.BALANCE);

    assertThat(margin[1]).as("margin sampling never asks about the confident topic").isZero();
    double share = (double) balance[1] / (balance[0] + balance[1]);
    assertThat(share).as("topic B's share of the requests").isBetween(0.05, 0.2);
    // The same budget either way.
    assertThat(balance[0] + balance[1]).isCloseTo(margin[0] + margin[1], within(50L));
  }

  @Test
  void densityPrefersTheBusyTopicToOutliers() {
    // Outliers (a fresh direction each) are the most uncertain events; density weighting moves
    // the budget to the dense topic.
    long[] none = outliersAsked(Diversity.NONE);
    long[] density = outliersAsked(Diversity.DENSITY);
    assertThat(density[1]).isLessThan(none[1] / 2);
    assertThat(density[0]).isGreaterThan(none[0]);
  }

  private static long[] outliersAsked(Diversity diversity) {
    var selector =
        new LabelSelector(warm(config()).withRandomShare(0).withDiversity(diversity, 4, 1));
    var state = new SelectorState();
    var memory = new RingEmbeddingMemory(1_000);
    var random = new Random(12);
    long[] asked = new long[2];
    for (int i = 0; i < 20_000; i++) {
      boolean outlier = i % 10 == 3;
      double p = outlier ? 0.5 + 0.05 * random.nextDouble() : 0.52 + 0.2 * random.nextDouble();
      float[] e =
          outlier
              ? StreamClustersTest.near(1 + i % 15, 0.6, random)
              : StreamClustersTest.near(0, 0.1, random);
      Decision d =
          selector.offer(state, "id-" + i, CLASSES, new double[] {p, 1 - p}, 1, e, memory, 0);
      if (d.asked()) {
        asked[outlier ? 1 : 0]++;
      }
    }
    return asked;
  }
}
