package dev.sieve.tools.eval;

import dev.sieve.learning.selection.Decision;
import dev.sieve.learning.selection.LabelSelector;
import dev.sieve.learning.selection.RingEmbeddingMemory;
import dev.sieve.learning.selection.SelectorState;
import dev.sieve.learning.training.Head;
import dev.sieve.learning.training.Metrics;
import dev.sieve.learning.training.PublishDecision;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One strategy on one seed: the train split replayed as a stream through the job's {@link
 * LabelSelector} (heap {@link SelectorState} and {@link RingEmbeddingMemory}), an oracle answering
 * each request at once with the dataset's label, and the head retrained by the job's training every
 * {@code step} labels — each new head is a new model version, so the selector sees its scores from
 * the next event on and restarts its priority window, as in the job.
 *
 * <p>The stream is the train split shuffled with the seed; when a pass ends before the label cap,
 * the texts not yet labelled are reshuffled and replayed, each id with a {@code #pass} suffix so
 * that the hashed random draw differs between passes. Labelled texts leave the stream: a real
 * stream does not repeat its events, and the random share (which by design ignores the
 * near-duplicate memory) would otherwise be asked about the same text twice. Near-duplicates under
 * other ids stay in the stream, and the memory suppresses them as it does in the job.
 */
final class AlReplay {

  /**
   * @param step labels between two retrainings
   * @param seedLabels labels drawn uniformly at random before selection starts (0: start from the
   *     zero-shot version 0 and let the selector's cold-start coverage find the classes)
   * @param maxLabels stop at this many labels
   * @param publishRule adopt a retraining only when the job would publish it ({@link
   *     PublishDecision#onNewLabels}: on the labels since the champion was trained, the
   *     challenger's out-of-fold macro-F1 beats the champion's by the default margin); false: adopt
   *     every retraining
   */
  record Plan(int step, int seedLabels, int maxLabels, boolean publishRule) {
    Plan {
      if (step < 1 || seedLabels < 0 || maxLabels < 1) {
        throw new IllegalArgumentException("step and max labels must be >= 1 and seed labels >= 0");
      }
    }
  }

  private final AlDataset data;
  private final AlLearner learner;
  private final Plan plan;
  private final PrintStream progress;

  AlReplay(AlDataset data, AlLearner learner, Plan plan, PrintStream progress) {
    this.data = data;
    this.learner = learner;
    this.plan = plan;
    this.progress = progress;
  }

  LearningCurve run(AlStrategy strategy, long seed) {
    return new Run(strategy, seed).replay();
  }

  /** The mutable state of one replay. */
  private final class Run {
    private final AlStrategy strategy;
    private final long seed;
    private final LabelSelector selector;
    private final SelectorState state = new SelectorState();
    private final RingEmbeddingMemory memory;
    private final String[] classes = data.labels().toArray(String[]::new);
    private final boolean[] labelled = new boolean[data.trainSize()];
    private final int[] order = new int[data.trainSize()];
    private final List<LearningCurve.Point> points = new ArrayList<>();
    private final Map<String, Integer> why = new TreeMap<>();
    private final Map<String, Integer> chosen = new TreeMap<>();
    private float[][] scores = data.zeroShotTrain();
    private int version;
    private int notPublished;
    private int championLabels; // labels the serving version was trained on (0: version 0)
    private int count;
    private int pass;
    private double macroF1;

    Run(AlStrategy strategy, long seed) {
      this.strategy = strategy;
      this.seed = seed;
      this.selector = new LabelSelector(strategy.config().withSeed(seed));
      // Large enough to remember every text asked about: nothing labelled is ever forgotten.
      this.memory = new RingEmbeddingMemory(Math.max(1_000, 2 * plan.maxLabels()));
    }

    LearningCurve replay() {
      long start = System.nanoTime();
      macroF1 = macroF1(data.zeroShotTest());
      points.add(new LearningCurve.Point(0, macroF1));
      seedLabels();
      long nowMs = 0;
      while (count < plan.maxLabels()) {
        int before = count;
        for (int i : unlabelledShuffled(new Random(seed * 1_000_003L + pass))) {
          if (count >= plan.maxLabels()) {
            break;
          }
          Decision d =
              selector.offer(
                  state,
                  data.trainIds().get(i) + "#" + pass,
                  classes,
                  toDouble(scores[i]),
                  version,
                  data.trainX()[i],
                  memory,
                  nowMs);
          nowMs += 1_000;
          if (d.asked()) {
            label(i, d.strategy());
          }
        }
        pass++;
        if (count == before) {
          break; // a whole pass asked nothing: every text left is a near-duplicate
        }
      }
      progress.printf(
          Locale.ROOT,
          "\r%-12s seed %d: %d labels in %d passes, macro-F1 %.4f (v%d, %d not published), %.1f s;"
              + " asked by %s,"
              + " %d near-duplicates skipped; labels per class %s; published versions chose %s%n",
          strategy.name(),
          seed,
          count,
          pass,
          macroF1,
          version,
          notPublished,
          (System.nanoTime() - start) / 1e9,
          why.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")),
          state.nearDuplicates,
          Arrays.toString(state.labelled),
          chosen.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")));
      return new LearningCurve(strategy.name(), seed, points);
    }

    private void seedLabels() {
      int[] order = unlabelledShuffled(new Random(seed));
      for (int k = 0; k < Math.min(plan.seedLabels(), plan.maxLabels()); k++) {
        label(order[k], "seed");
      }
      if (count > 0 && count % plan.step() != 0 && count < plan.maxLabels()) {
        retrain();
      }
    }

    /** The oracle answers with the dataset's label; the selector and the learner learn it. */
    private void label(int i, String reason) {
      String answer = classes[data.trainY()[i]];
      selector.onLabel(state, answer, data.trainX()[i], memory);
      labelled[i] = true;
      order[count++] = i;
      why.merge(reason, 1, Integer::sum);
      if (count % plan.step() == 0 || count == plan.maxLabels()) {
        retrain();
      }
    }

    private void retrain() {
      int[] labels = Arrays.copyOf(order, count);
      Optional<AlLearner.Trained> trained = learner.train(labels);
      if (trained.isPresent() && publishes(trained.get(), labels)) {
        version++;
        championLabels = count;
        scores = trained.get().trainProbabilities();
        macroF1 = macroF1(trained.get().testPredicted());
        chosen.merge(trained.get().chosen(), 1, Integer::sum);
      } else if (trained.isPresent()) {
        notPublished++;
      }
      points.add(new LearningCurve.Point(count, macroF1));
      progress.printf(
          Locale.ROOT,
          "\r%-12s seed %d: %d/%d labels, macro-F1 %.4f (v%d, pass %d)   ",
          strategy.name(),
          seed,
          count,
          plan.maxLabels(),
          macroF1,
          version,
          pass + 1);
      progress.flush();
    }

    /**
     * The job's decision, on the labels given since the champion (the version serving now, whose
     * probabilities the selector reads) was trained: the challenger's out-of-fold predictions of
     * them against the champion's.
     */
    private boolean publishes(AlLearner.Trained challenger, int[] labels) {
      if (!plan.publishRule() || challenger.outOfFold() == null) {
        return true;
      }
      int fresh = labels.length - championLabels;
      int[] truth = new int[fresh];
      int[] theirs = new int[fresh];
      int[] champions = new int[fresh];
      for (int j = 0; j < fresh; j++) {
        int row = labels[championLabels + j];
        truth[j] = data.trainY()[row];
        theirs[j] = challenger.outOfFold()[championLabels + j];
        champions[j] = Head.argmax(scores[row]);
      }
      return PublishDecision.onNewLabels(
              data.labels(),
              data.labels(),
              truth,
              theirs,
              champions,
              PublishDecision.DEFAULT_MARGIN)
          .publish();
    }

    private int[] unlabelledShuffled(Random random) {
      int[] order = IntStream.range(0, labelled.length).filter(i -> !labelled[i]).toArray();
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      return order;
    }
  }

  private double macroF1(int[] predicted) {
    return Metrics.of(data.labels(), data.testY(), predicted).macroF1();
  }

  private static double[] toDouble(float[] p) {
    double[] out = new double[p.length];
    for (int c = 0; c < p.length; c++) {
      out[c] = p[c];
    }
    return out;
  }
}
