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

  /** The grid point with the best pooled macro-F1, and every grid point's result. */
  public record Selection(HeadTrainer.Settings best, Result bestResult, List<Result> all) {}

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
   * Cross-validates every grid point on the same folds and keeps the best (first on a tie). The set
   * is converted to Tribuo once for all folds and grid points.
   */
  public Selection select(List<HeadTrainer.Settings> grid, LabelledSet set, Folds folds) {
    return select(grid, HeadTrainer.prepare(set, grid.get(0).classWeighting()), folds);
  }

  /** As above, on a set already prepared (so the caller can reuse it for the final training). */
  public Selection select(
      List<HeadTrainer.Settings> grid, HeadTrainer.Prepared prepared, Folds folds) {
    LabelledSet set = prepared.set();
    int n = folds.count();
    List<Callable<Metrics>> tasks = new ArrayList<>();
    for (HeadTrainer.Settings s : grid) {
      if (s.classWeighting() != grid.get(0).classWeighting()) {
        throw new IllegalArgumentException("grid points must agree on class weighting");
      }
      for (int f = 0; f < n; f++) {
        int[] train = folds.train(f);
        int[] test = folds.test(f);
        tasks.add(
            () -> {
              Head head = HeadTrainer.fit(prepared, train, s);
              LabelledSet testPart = set.subset(test);
              return Metrics.of(
                  set.labelOrder(), testPart.labelIndexView(), head.predict(testPart.rows()));
            });
      }
    }
    List<Metrics> all = run(tasks);
    List<Result> results = new ArrayList<>();
    for (int t = 0; t < grid.size(); t++) {
      List<Metrics> perFold = all.subList(t * n, (t + 1) * n);
      results.add(new Result(Metrics.pooled(perFold), List.copyOf(perFold)));
    }
    int best = 0;
    for (int i = 1; i < results.size(); i++) {
      if (results.get(i).macroF1() > results.get(best).macroF1()) {
        best = i;
      }
    }
    return new Selection(grid.get(best), results.get(best), results);
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
