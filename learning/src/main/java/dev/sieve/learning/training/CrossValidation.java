package dev.sieve.learning.training;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Stratified k-fold cross-validation (k = 5 and a fixed seed by default). A trainer is trained on
 * each fold's training part and scored on its test part; the folds' confusion matrices are pooled
 * into one {@link Metrics}. A fixed head (the champion) is scored on the same test parts, so the
 * two figures differ only by the model. Fold trainings are independent, so they run on a small
 * thread pool; results are gathered in fold order, so parallelism never changes a figure.
 */
public final class CrossValidation {

  public static final int DEFAULT_FOLDS = 5;

  /**
   * Each class needs this many examples before a head is trained: one per fold. retrain-trigger
   * keeps serving the previous version until then, and eval-al's replay does the same.
   */
  public static final int MIN_EXAMPLES_PER_CLASS = DEFAULT_FOLDS;

  public static final long DEFAULT_SEED = 20240601L;

  private final int k;
  private final long seed;
  private final int parallelism;

  public CrossValidation(int k, long seed, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
    this.k = k;
    this.seed = seed;
    this.parallelism = parallelism;
  }

  /** k = 5, the default seed, one thread per core up to 2 (the machines here have 2). */
  public static CrossValidation defaults() {
    return new CrossValidation(
        DEFAULT_FOLDS, DEFAULT_SEED, Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  public Folds folds(LabelledSet set) {
    return Folds.stratified(set, k, seed);
  }

  /** Pooled metrics and the metrics of each fold. */
  public record Result(Metrics pooled, List<Metrics> perFold) {
    public double macroF1() {
      return pooled.macroF1();
    }
  }

  /** Challenger and champion on the same folds; {@code champion} is null when not comparable. */
  public record Comparison(Result challenger, Result champion, int folds) {}

  /**
   * The grid point with the lowest cross-validated log-loss ({@link #balancedLogLoss}), its result,
   * and every grid point's result and log-loss (in grid order).
   */
  public record Selection(
      HeadTrainer.Settings best, Result bestResult, List<Result> all, List<Double> logLoss) {}

  public Result evaluate(Function<LabelledSet, ? extends Head> trainer, LabelledSet set) {
    return evaluate(trainer, set, folds(set));
  }

  public Result evaluate(
      Function<LabelledSet, ? extends Head> trainer, LabelledSet set, Folds folds) {
    return evaluateAll(List.of(trainer), set, folds).get(0);
  }

  /**
   * Scores a fixed head on each fold's test part. Its columns are matched to the set's labels by
   * name; returns null when its label set differs from the set's (then there is nothing to compare:
   * the label set changed).
   */
  public Result score(Head fixed, LabelledSet set, Folds folds) {
    if (!new HashSet<>(fixed.labels()).equals(new HashSet<>(set.labelOrder()))) {
      return null;
    }
    int[] columnToLabel = new int[fixed.labels().size()];
    for (int c = 0; c < columnToLabel.length; c++) {
      columnToLabel[c] = set.labelOrder().indexOf(fixed.labels().get(c));
    }
    List<Metrics> perFold = new ArrayList<>();
    for (int f = 0; f < folds.count(); f++) {
      LabelledSet test = set.subset(folds.test(f));
      int[] predicted = fixed.predict(test.rows());
      for (int i = 0; i < predicted.length; i++) {
        predicted[i] = columnToLabel[predicted[i]];
      }
      perFold.add(Metrics.of(set.labelOrder(), test.labelIndexView(), predicted));
    }
    return new Result(Metrics.pooled(perFold), perFold);
  }

  /** Trains the challenger on each fold and scores it and the champion on the same test parts. */
  public Comparison compare(
      Function<LabelledSet, ? extends Head> challengerTrainer, Head champion, LabelledSet set) {
    Folds folds = folds(set);
    Result challenger = evaluate(challengerTrainer, set, folds);
    Result championResult = champion == null ? null : score(champion, set, folds);
    return new Comparison(challenger, championResult, folds.count());
  }

  /**
   * Cross-validates every grid point on the same folds and keeps the one with the lowest
   * class-balanced log-loss on the folds' test parts (first on a tie). The set is converted to
   * Tribuo once for all folds and grid points.
   *
   * <p>Why log-loss and not macro-F1: the grid's learning rates differ in how confident their heads
   * are more than in where they draw the boundary, and a labelled set that uncertainty sampling
   * chose is mostly ambiguous texts, on which the more aggressive rate wins the macro-F1 of the
   * folds and then loses on the traffic (on {@code sieve eval-al}, tweeteval_offensive: macro-F1
   * chose learning rate 1.0 in 86 % of the retrainings after 400 margin-chosen labels, 6 % after
   * random ones, and those heads scored 0.671 against 0.687 on the test split;
   * docs/measurements/active-learning-eval.md). Log-loss is a proper scoring rule (Gneiting and
   * Raftery, "Strictly proper scoring rules, prediction, and estimation", JASA 2007): it scores the
   * probabilities, not only the argmax, so it penalises the over-confident head and varies less
   * than a thresholded metric on small folds. Model selection on actively chosen labels is biased
   * toward what fits the queried region (Ali, Caruana and Kapoor, "Active learning with model
   * selection", AAAI 2014). On the whole train split of the three shared datasets it chose the same
   * settings as macro-F1 did.
   */
  public Selection select(List<HeadTrainer.Settings> grid, LabelledSet set, Folds folds) {
    return select(grid, HeadTrainer.prepare(set, grid.get(0).classWeighting()), folds);
  }

  /** As above, on a set already prepared (so the caller can reuse it for the final training). */
  public Selection select(
      List<HeadTrainer.Settings> grid, HeadTrainer.Prepared prepared, Folds folds) {
    LabelledSet set = prepared.set();
    int n = folds.count();
    int[] y = set.labelIndexView();
    // Each fold's test rows and their probabilities, per grid point, in fold order.
    float[][][][] probabilities = new float[grid.size()][n][][];
    List<Callable<Metrics>> tasks = new ArrayList<>();
    for (int g = 0; g < grid.size(); g++) {
      HeadTrainer.Settings s = grid.get(g);
      if (s.classWeighting() != grid.get(0).classWeighting()) {
        throw new IllegalArgumentException("grid points must agree on class weighting");
      }
      for (int f = 0; f < n; f++) {
        int point = g;
        int fold = f;
        int[] train = folds.train(f);
        int[] test = folds.test(f);
        tasks.add(
            () -> {
              Head head = HeadTrainer.fit(prepared, train, s);
              LabelledSet testPart = set.subset(test);
              float[][] p = head.probabilities(testPart.rows());
              probabilities[point][fold] = p;
              return Metrics.of(set.labelOrder(), testPart.labelIndexView(), argmax(p));
            });
      }
    }
    List<Metrics> all = run(tasks);
    List<Result> results = new ArrayList<>();
    List<Double> logLoss = new ArrayList<>();
    for (int t = 0; t < grid.size(); t++) {
      List<Metrics> perFold = all.subList(t * n, (t + 1) * n);
      results.add(new Result(Metrics.pooled(perFold), List.copyOf(perFold)));
      int[] truth = new int[set.size()];
      float[][] pooled = new float[set.size()][];
      int m = 0;
      for (int f = 0; f < n; f++) {
        int[] test = folds.test(f);
        for (int j = 0; j < test.length; j++) {
          truth[m] = y[test[j]];
          pooled[m++] = probabilities[t][f][j];
        }
      }
      logLoss.add(balancedLogLoss(truth, pooled, set.classCount()));
    }
    int best = 0;
    for (int i = 1; i < results.size(); i++) {
      if (logLoss.get(i) < logLoss.get(best)) {
        best = i;
      }
    }
    return new Selection(grid.get(best), results.get(best), results, List.copyOf(logLoss));
  }

  /** Probabilities below this count as this, so one confident mistake costs at most ~13.8. */
  static final double MIN_PROBABILITY = 1e-6;

  /**
   * Class-balanced log-loss: the mean of {@code -ln p(true class)} within each class, averaged over
   * the classes present, so that each class weighs as much as it does in macro-F1 (and as the
   * class-weighted training objective has it).
   */
  public static double balancedLogLoss(int[] truth, float[][] probabilities, int classCount) {
    double[] sum = new double[classCount];
    int[] count = new int[classCount];
    for (int i = 0; i < truth.length; i++) {
      sum[truth[i]] -= Math.log(Math.max(MIN_PROBABILITY, probabilities[i][truth[i]]));
      count[truth[i]]++;
    }
    double total = 0;
    int present = 0;
    for (int c = 0; c < classCount; c++) {
      if (count[c] > 0) {
        total += sum[c] / count[c];
        present++;
      }
    }
    return present == 0 ? 0 : total / present;
  }

  /**
   * {@link #balancedLogLoss} of the probabilities rescaled by the one temperature that minimises it
   * ({@code softmax(ln p / T)}, Guo et al., <i>On calibration of modern neural networks</i>, ICML
   * 2017): how well the probabilities separate the classes, whatever their scale. Raw log-loss
   * rewards the surer of two heads; on a few dozen labels every head is unsure and the one with
   * more features is the least unsure on the folds, whether or not it is better on new data.
   */
  public static double calibratedBalancedLogLoss(
      int[] truth, float[][] probabilities, int classCount) {
    double[][] logits = new double[probabilities.length][classCount];
    for (int i = 0; i < probabilities.length; i++) {
      for (int c = 0; c < classCount; c++) {
        logits[i][c] = Math.log(Math.max(Float.MIN_NORMAL, probabilities[i][c]));
      }
    }
    // the loss is convex in 1/T, so unimodal in ln(1/T): golden-section search over [-5, 5]
    double lo = -5;
    double hi = 5;
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = scaledLogLoss(truth, logits, classCount, Math.exp(a));
    double fb = scaledLogLoss(truth, logits, classCount, Math.exp(b));
    for (int step = 0; step < 40; step++) {
      if (fa <= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = scaledLogLoss(truth, logits, classCount, Math.exp(a));
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = scaledLogLoss(truth, logits, classCount, Math.exp(b));
      }
    }
    return Math.min(Math.min(fa, fb), scaledLogLoss(truth, logits, classCount, 1.0));
  }

  private static double scaledLogLoss(int[] truth, double[][] logits, int classCount, double beta) {
    float[][] p = new float[logits.length][classCount];
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits[i]) {
        max = Math.max(max, beta * z);
      }
      double sum = 0;
      double[] e = new double[classCount];
      for (int c = 0; c < classCount; c++) {
        e[c] = Math.exp(beta * logits[i][c] - max);
        sum += e[c];
      }
      for (int c = 0; c < classCount; c++) {
        p[i][c] = (float) (e[c] / sum);
      }
    }
    return balancedLogLoss(truth, p, classCount);
  }

  private static int[] argmax(float[][] p) {
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Head.argmax(p[i]);
    }
    return out;
  }

  private List<Result> evaluateAll(
      List<Function<LabelledSet, ? extends Head>> trainers, LabelledSet set, Folds folds) {
    int n = folds.count();
    List<Callable<Metrics>> tasks = new ArrayList<>();
    for (Function<LabelledSet, ? extends Head> trainer : trainers) {
      for (int f = 0; f < n; f++) {
        LabelledSet train = set.subset(folds.train(f));
        LabelledSet test = set.subset(folds.test(f));
        tasks.add(
            () -> {
              Head head = trainer.apply(train);
              return Metrics.of(set.labelOrder(), test.labelIndexView(), head.predict(test.rows()));
            });
      }
    }
    List<Metrics> all = run(tasks);
    List<Result> results = new ArrayList<>();
    for (int t = 0; t < trainers.size(); t++) {
      List<Metrics> perFold = all.subList(t * n, (t + 1) * n);
      results.add(new Result(Metrics.pooled(perFold), List.copyOf(perFold)));
    }
    return results;
  }

  /** Runs the fold tasks on the pool and returns their results in task order. */
  private List<Metrics> run(List<Callable<Metrics>> tasks) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "sieve-cv");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Metrics>> futures = new ArrayList<>();
      for (Callable<Metrics> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<Metrics> out = new ArrayList<>();
      for (Future<Metrics> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("cross-validation interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a cross-validation fold failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
