package dev.sieve.learning.candidates;

import ai.onnxruntime.OrtException;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Problem;
import dev.sieve.learning.training.CrossValidation;
import dev.sieve.learning.training.Folds;
import dev.sieve.learning.training.Head;
import dev.sieve.learning.training.LinearHead;
import dev.sieve.learning.training.Metrics;
import dev.sieve.model.ExtractorCosts;
import dev.sieve.model.HeadFeatures;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.LexicalFeaturiser;
import dev.sieve.model.OnnxHeads;
import dev.sieve.schemas.CandidateScore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Chooses what a classifier's head reads and how strongly it is regularised, by cross-validation,
 * the way an AutoML service does. Candidates are every feature extractor — {@code lexical} (a
 * {@link LexicalFeaturiser} fitted on the texts), each network whose embeddings the caller passes,
 * and {@code lexical+<network>} (both concatenated, each L2-normalised) — times every C of the grid
 * of an L2-regularised, class-balanced {@link LogisticRegression}, named {@code
 * <extractor>/lr-c<C>}; a hybrid also times every scale of its lexical half ({@link
 * Settings#lexicalScales}, {@code -lex<scale>} in the name when not 1). Every candidate is scored
 * on the same stratified folds ({@link Folds}, the seed and k of {@link CrossValidation}); the
 * lexical vocabulary is refitted on each fold's training part, so no fold sees its test texts.
 * Within each extractor the C and scale with the lowest class-balanced log-loss on the folds are
 * kept ({@link CrossValidation#balancedLogLoss} of the served head's probabilities; on a tie the
 * larger scale, then the smaller C); then, among the kept candidates whose extractor's measured
 * cost ({@link ExtractorCosts}, events/s per core) is at least {@code minThroughput} (0: no budget;
 * an extractor never measured fits no budget), the one with the lowest calibrated log-loss wins
 * ({@link CrossValidation#calibratedBalancedLogLoss}: the log-loss of its out-of-fold probabilities
 * at their best temperature); on a tie the earlier extractor (lexical, then networks in the
 * caller's order, then hybrids).
 *
 * <p>Why the extractor by calibrated log-loss: retraining runs every few dozen labels, and on a few
 * hundred the folds' macro-F1 of two extractors differs by noise: the highest one often picked a
 * hybrid, or e5 without its prefix, that scored lower on new data. Raw log-loss is steadier but
 * rewards the surer head, and on a few dozen labels the head with more features is the surer one on
 * the folds, whether or not it is better. Rescaled to its best temperature, each extractor's
 * probabilities are compared on how well they separate the classes. On random subsets of the shared
 * datasets the extractor so chosen scored 0.010 higher test macro-F1 on average than the highest
 * macro-F1's choice (docs/measurements/eval-candidates.md). On the whole train splits it chooses
 * the same on the tweets; on sms_spam a near tie (0.0653 against 0.0654) goes to the e5 hybrid
 * instead of the MiniLM one (test macro-F1 0.9811 against 0.9862).
 *
 * <p>Why C by log-loss: on labels that uncertainty sampling chose (the texts nearest the boundary)
 * the weaker regularisation wins the folds' macro-F1 and gives over-confident heads, which then ask
 * worse questions and lose on new data (the same finding as for the SGD head's grid, and the
 * proper-scoring-rule argument: learning/README.md). Replayed by {@code sieve eval-al} on
 * tweeteval_offensive (10 seeds, 900 labels) the actively trained head ended at macro-F1 0.749
 * against 0.726 with C by macro-F1; the choice on each shared dataset's whole train split did not
 * change.
 *
 * <p>The winner alone is then trained on every example, exported as an ONNX {@code linearSoftmax}
 * head and checked against LIBLINEAR's own probabilities.
 *
 * <p>No Flink and no network: the caller embeds (retrain-trigger from its labelled examples, {@code
 * sieve eval} from a dataset). {@link Outcome} carries what a {@code ModelVersion} needs: the head
 * bytes, {@link HeadFeatures}, the network id, the featuriser bytes and the candidate table.
 */
public final class CandidateSelection {

  /**
   * The C grid: LIBLINEAR's default and one step weaker regularisation. C = 100 was measured too:
   * never chosen on sms_spam or tweeteval_emotion, and the slowest to converge
   * (eval-candidates.md).
   */
  public static final List<Double> DEFAULT_C_GRID = List.of(1.0, 10.0);

  /**
   * The scales a hybrid head's solver sees its lexical half at (the embedding half stays at 1): a
   * scale {@code a} makes the L2 penalty on the lexical weights {@code 1/a²} times the embedding's.
   * Hand-picked, measured (docs/measurements/eval-candidates.md): on 400 random labels of
   * tweeteval_emotion the hybrid at scale 1 scored 0.646 macro-F1 on the test split, below its
   * network alone (0.719) — its thousands of lexical weights fit the few labels — and 0.718 at 0.5;
   * on the whole train split 0.5 was better on emotion and offensive and worse on sms_spam, so both
   * are candidates. The exported head folds the scale into its weights: serving is unchanged.
   */
  public static final List<Double> DEFAULT_LEXICAL_SCALES = List.of(1.0, 0.5);

  /**
   * The largest difference allowed between a class probability of the exported ONNX head and
   * LIBLINEAR's on a training row. It was an argmax agreement on 99.9 % of the rows, which below
   * 1,000 rows allows no disagreement, while a row on the decision boundary can flip between
   * LIBLINEAR's double and ONNX Runtime's float arithmetic (an eval-al replay stopped on 839 of 840
   * rows agreeing); an export that is wrong moves probabilities by far more than this.
   */
  static final double MAX_PROBABILITY_DIFFERENCE = 1e-3;

  /** Settings of a selection; {@link #defaults()} is what {@code sieve eval} runs. */
  public record Settings(
      List<Double> cGrid,
      List<Double> lexicalScales,
      int vocabularySize,
      int minDf,
      double minThroughput,
      ExtractorCosts costs,
      int folds,
      long seed,
      int parallelism) {

    public Settings {
      if (cGrid.isEmpty() || cGrid.stream().anyMatch(c -> !(c > 0))) {
        throw new IllegalArgumentException("the C grid must hold positive values");
      }
      if (lexicalScales.isEmpty() || lexicalScales.stream().anyMatch(a -> !(a > 0 && a <= 1))) {
        throw new IllegalArgumentException("the lexical scales must lie in (0, 1]");
      }
      if (minThroughput < 0) {
        throw new IllegalArgumentException("minThroughput must be >= 0");
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1");
      }
      cGrid = List.copyOf(new TreeSet<>(cGrid));
      lexicalScales = List.copyOf(new TreeSet<>(lexicalScales).descendingSet());
      Objects.requireNonNull(costs, "costs");
    }

    public static Settings defaults() {
      return new Settings(
          DEFAULT_C_GRID,
          DEFAULT_LEXICAL_SCALES,
          LexicalVocabulary.DEFAULT_BUCKETS,
          LexicalVocabulary.DEFAULT_MIN_DF,
          0,
          ExtractorCosts.recorded(),
          CrossValidation.DEFAULT_FOLDS,
          CrossValidation.DEFAULT_SEED,
          Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    public Settings withMinThroughput(double value) {
      return new Settings(
          cGrid, lexicalScales, vocabularySize, minDf, value, costs, folds, seed, parallelism);
    }

    public Settings withCosts(ExtractorCosts value) {
      return new Settings(
          cGrid,
          lexicalScales,
          vocabularySize,
          minDf,
          minThroughput,
          value,
          folds,
          seed,
          parallelism);
    }

    public Settings withCGrid(List<Double> value) {
      return new Settings(
          value,
          lexicalScales,
          vocabularySize,
          minDf,
          minThroughput,
          costs,
          folds,
          seed,
          parallelism);
    }
  }

  /**
   * The labelled texts, one label each, in a fixed order (the caller's order decides the folds),
   * and per network id the embedding rows of the same texts in the same order (unit length).
   */
  public record Input(
      List<String> texts,
      List<String> labels,
      List<String> labelOrder,
      Map<String, float[][]> embeddings) {

    public Input {
      if (texts.size() != labels.size()) {
        throw new IllegalArgumentException(
            texts.size() + " texts but " + labels.size() + " labels");
      }
      for (var e : embeddings.entrySet()) {
        if (e.getValue().length != texts.size()) {
          throw new IllegalArgumentException(
              e.getKey()
                  + ": "
                  + e.getValue().length
                  + " embeddings for "
                  + texts.size()
                  + " texts");
        }
      }
      texts = List.copyOf(texts);
      labels = List.copyOf(labels);
      // declared labels first, then any other label seen, by name (as LabelledSet orders them)
      LinkedHashSet<String> order = new LinkedHashSet<>(labelOrder);
      order.addAll(new TreeSet<>(labels));
      labelOrder = List.copyOf(order);
      embeddings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(embeddings));
    }
  }

  /** One row of the table. */
  public record Candidate(
      String name,
      String extractor,
      double c,
      double lexicalScale,
      double macroF1,
      double logLoss,
      double calibratedLogLoss,
      double eventsPerSecondPerCore,
      boolean withinBudget,
      boolean chosen) {

    /** The row as {@code ModelVersion.candidates} stores it. */
    public CandidateScore toScore() {
      return new CandidateScore(name, macroF1, eventsPerSecondPerCore, withinBudget, chosen);
    }
  }

  /**
   * The selection's result. {@code embeddingModelId} is null for a lexical head, {@code featuriser}
   * null for an embedding head; {@code cv} holds the winner's pooled and per-fold metrics, {@code
   * outOfFold} its prediction of each input row (a label index) by the fold that did not train on
   * it.
   */
  public record Outcome(
      List<Candidate> table,
      Candidate chosen,
      HeadFeatures features,
      String embeddingModelId,
      LexicalFeaturiser featuriser,
      LinearHead head,
      byte[] onnx,
      CrossValidation.Result cv,
      int[] outOfFold,
      int folds,
      int trainingSize,
      long trainingMs) {

    /** The table as {@code ModelVersion.candidates}. */
    public List<CandidateScore> scores() {
      return table.stream().map(Candidate::toScore).toList();
    }

    /** The head's input row for one text and its embedding (null for a lexical head). */
    public float[] row(String text, float[] embedding) {
      return features.assemble(featuriser == null ? null : featuriser.features(text), embedding);
    }

    /** The table as text, one candidate a line. */
    public String render() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "%-44s %11s %11s %11s %14s %9s %s%n",
              "CANDIDATE",
              "CV-MACRO-F1",
              "CV-LOG-LOSS",
              "CALIBRATED",
              "EVENTS/S/CORE",
              "BUDGET",
              ""));
      for (Candidate c : table) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-44s %11.4f %11.4f %11.4f %14s %9s %s%n",
                c.name(),
                c.macroF1(),
                c.logLoss(),
                c.calibratedLogLoss(),
                c.eventsPerSecondPerCore() > 0
                    ? String.format(Locale.ROOT, "%.0f", c.eventsPerSecondPerCore())
                    : "-",
                c.withinBudget() ? "fits" : "too slow",
                c.chosen() ? "chosen" : ""));
      }
      return out.toString();
    }
  }

  private final Settings settings;

  public CandidateSelection(Settings settings) {
    this.settings = settings;
  }

  /** Whether {@code extractor}'s measured cost fits {@code --min-throughput} (0: no budget). */
  private boolean withinBudget(String extractor) {
    return settings.minThroughput() <= 0
        || settings.costs().eventsPerSecondPerCore(extractor) >= settings.minThroughput();
  }

  /** Runs the selection; progress lines go to {@code progress} (nullable). */
  public Outcome select(Input input, PrintStream progress) {
    long start = System.nanoTime();
    List<String> labels = input.labelOrder();
    int n = input.texts().size();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = labels.indexOf(input.labels().get(i));
    }
    Folds folds = Folds.stratified(y, labels.size(), settings.folds(), settings.seed());
    List<int[]> terms = new ArrayList<>(n);
    for (String t : input.texts()) {
      terms.add(LexicalFeaturiser.terms(t));
    }
    List<String> extractors = new ArrayList<>();
    extractors.add(ExtractorCosts.LEXICAL);
    extractors.addAll(input.embeddings().keySet());
    for (String network : input.embeddings().keySet()) {
      extractors.add(ExtractorCosts.LEXICAL + "+" + network);
    }
    // A budget no extractor meets fails here, not after minutes of cross-validation.
    if (extractors.stream().noneMatch(this::withinBudget)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "no candidate extractor sustains %.0f events/s per core (measured %s)",
              settings.minThroughput(),
              settings.costs().measuredOn()));
    }

    // The lexical rows of every text under each fold's vocabulary (fitted on its training part).
    LexicalFeaturiser.Sparse[][] lexicalByFold = new LexicalFeaturiser.Sparse[folds.count()][];
    int[] lexicalDim = new int[folds.count()];
    for (int f = 0; f < folds.count(); f++) {
      LexicalFeaturiser fx =
          LexicalVocabulary.fitTerms(
              subset(terms, folds.train(f)), settings.vocabularySize(), settings.minDf());
      lexicalByFold[f] = sparseAll(fx, terms);
      lexicalDim[f] = fx.dimension();
    }

    List<Double> grid = settings.cGrid();
    List<Callable<float[][][]>> tasks = new ArrayList<>();
    for (String extractor : extractors) {
      List<Double> scales = scales(extractor);
      for (int f = 0; f < folds.count(); f++) {
        int fold = f;
        tasks.add(
            () -> {
              int[] train = folds.train(fold);
              int[] test = folds.test(fold);
              // one prediction per (scale, C), scales outer
              float[][][] predicted = new float[scales.size() * grid.size()][test.length][];
              for (int s = 0; s < scales.size(); s++) {
                SparseRows rows =
                    rows(extractor, input, lexicalByFold[fold], lexicalDim[fold], scales.get(s));
                Problem problem = LogisticRegression.problem(rows, y, train);
                for (int g = 0; g < grid.size(); g++) {
                  Model model = LogisticRegression.train(problem, labels.size(), grid.get(g), true);
                  for (int j = 0; j < test.length; j++) {
                    predicted[s * grid.size() + g][j] =
                        LogisticRegression.probabilities(model, rows.nodes(test[j]), labels.size());
                  }
                }
              }
              if (progress != null) {
                synchronized (progress) {
                  progress.printf(
                      Locale.ROOT,
                      "candidates: %s fold %d/%d done%n",
                      extractor,
                      fold + 1,
                      folds.count());
                }
              }
              return predicted;
            });
      }
    }
    List<float[][][]> results = run(tasks);

    List<Candidate> table = new ArrayList<>();
    List<CrossValidation.Result> cvs = new ArrayList<>();
    List<float[][][]> byRow = new ArrayList<>(); // per table row, its predictions per fold
    List<Integer> kept = new ArrayList<>(); // per extractor within budget, its C and scale
    for (int e = 0; e < extractors.size(); e++) {
      String extractor = extractors.get(e);
      List<Double> scales = scales(extractor);
      double cost = settings.costs().eventsPerSecondPerCore(extractor);
      boolean fits = withinBudget(extractor);
      int first = table.size();
      int lowestLoss = -1;
      double lowest = Double.POSITIVE_INFINITY;
      for (int k = 0; k < scales.size() * grid.size(); k++) {
        double scale = scales.get(k / grid.size());
        double c = grid.get(k % grid.size());
        List<Metrics> perFold = new ArrayList<>();
        List<float[]> pooled = new ArrayList<>();
        List<Integer> pooledTruth = new ArrayList<>();
        float[][][] predictions = new float[folds.count()][][];
        for (int f = 0; f < folds.count(); f++) {
          int[] test = folds.test(f);
          float[][] p = results.get(e * folds.count() + f)[k];
          predictions[f] = p;
          int[] truth = new int[test.length];
          int[] predicted = new int[test.length];
          for (int j = 0; j < test.length; j++) {
            truth[j] = y[test[j]];
            predicted[j] = Head.argmax(p[j]);
            pooled.add(p[j]);
            pooledTruth.add(truth[j]);
          }
          perFold.add(Metrics.of(labels, truth, predicted));
        }
        double logLoss =
            CrossValidation.balancedLogLoss(
                pooledTruth.stream().mapToInt(Integer::intValue).toArray(),
                pooled.toArray(float[][]::new),
                labels.size());
        double calibrated =
            CrossValidation.calibratedBalancedLogLoss(
                pooledTruth.stream().mapToInt(Integer::intValue).toArray(),
                pooled.toArray(float[][]::new),
                labels.size());
        if (logLoss < lowest) {
          lowest = logLoss;
          lowestLoss = k;
        }
        CrossValidation.Result result =
            new CrossValidation.Result(Metrics.pooled(perFold), List.copyOf(perFold));
        cvs.add(result);
        byRow.add(predictions);
        table.add(
            new Candidate(
                name(extractor, c, scale),
                extractor,
                c,
                scale,
                result.macroF1(),
                logLoss,
                calibrated,
                cost,
                fits,
                false));
      }
      if (fits) {
        kept.add(first + lowestLoss);
      }
    }
    int best = kept.get(0); // one extractor at least is within the budget (checked above)
    for (int i : kept) {
      if (table.get(i).calibratedLogLoss() < table.get(best).calibratedLogLoss()) {
        best = i;
      }
    }
    Candidate winner = table.get(best);
    int[] outOfFold = new int[n];
    for (int f = 0; f < folds.count(); f++) {
      int[] test = folds.test(f);
      float[][] p = byRow.get(best)[f];
      for (int j = 0; j < test.length; j++) {
        outOfFold[test[j]] = Head.argmax(p[j]);
      }
    }
    table.set(
        best,
        new Candidate(
            winner.name(),
            winner.extractor(),
            winner.c(),
            winner.lexicalScale(),
            winner.macroF1(),
            winner.logLoss(),
            winner.calibratedLogLoss(),
            winner.eventsPerSecondPerCore(),
            true,
            true));
    winner = table.get(best);
    if (progress != null) {
      progress.printf(
          Locale.ROOT, "candidates: training %s on all %d examples%n", winner.name(), n);
    }

    // The winner, on everything.
    String extractor = winner.extractor();
    HeadFeatures features =
        extractor.equals(ExtractorCosts.LEXICAL)
            ? HeadFeatures.LEXICAL
            : extractor.startsWith(ExtractorCosts.LEXICAL + "+")
                ? HeadFeatures.LEXICAL_EMBEDDING
                : HeadFeatures.EMBEDDING;
    String network =
        features == HeadFeatures.LEXICAL
            ? null
            : features == HeadFeatures.LEXICAL_EMBEDDING
                ? extractor.substring(ExtractorCosts.LEXICAL.length() + 1)
                : extractor;
    LexicalFeaturiser featuriser =
        features.needsFeaturiser()
            ? LexicalVocabulary.fitTerms(terms, settings.vocabularySize(), settings.minDf())
            : null;
    SparseRows rows =
        rows(
            extractor,
            input,
            featuriser == null ? null : sparseAll(featuriser, terms),
            featuriser == null ? 0 : featuriser.dimension(),
            winner.lexicalScale());
    int[] all = new int[n];
    java.util.Arrays.setAll(all, i -> i);
    Problem problem = LogisticRegression.problem(rows, y, all);
    Model model = LogisticRegression.train(problem, labels.size(), winner.c(), true);
    LinearHead head = LogisticRegression.head(model, labels, rows);
    byte[] onnx = OnnxHeads.linearSoftmax(head.weights(), head.bias());
    checkOnnx(onnx, model, rows, labels);
    long ms = (System.nanoTime() - start) / 1_000_000;
    return new Outcome(
        List.copyOf(table),
        winner,
        features,
        network,
        featuriser,
        head,
        onnx,
        cvs.get(best),
        outOfFold,
        folds.count(),
        n,
        ms);
  }

  /** {@code <extractor>/lr-c<C>}, and {@code -lex<scale>} when the lexical half is scaled. */
  static String name(String extractor, double c, double lexicalScale) {
    return extractor
        + "/lr-c"
        + formatC(c)
        + (lexicalScale == 1.0 ? "" : "-lex" + formatC(lexicalScale));
  }

  /** The lexical scales tried for an extractor: only a hybrid has two halves to weigh. */
  private List<Double> scales(String extractor) {
    return extractor.startsWith(ExtractorCosts.LEXICAL + "+")
        ? settings.lexicalScales()
        : List.of(1.0);
  }

  static String formatC(double c) {
    return c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c).replaceAll("0+$", "");
  }

  private static SparseRows rows(
      String extractor,
      Input input,
      LexicalFeaturiser.Sparse[] lexical,
      int lexicalDim,
      double lexicalScale) {
    if (extractor.equals(ExtractorCosts.LEXICAL)) {
      return new SparseRows(lexicalDim, lexical, lexicalDim, null);
    }
    if (extractor.startsWith(ExtractorCosts.LEXICAL + "+")) {
      float[][] e =
          input.embeddings().get(extractor.substring(ExtractorCosts.LEXICAL.length() + 1));
      return new SparseRows(lexicalDim + e[0].length, lexical, lexicalDim, e, lexicalScale);
    }
    float[][] e = input.embeddings().get(extractor);
    return new SparseRows(e[0].length, null, 0, e);
  }

  private static LexicalFeaturiser.Sparse[] sparseAll(LexicalFeaturiser fx, List<int[]> terms) {
    LexicalFeaturiser.Sparse[] out = new LexicalFeaturiser.Sparse[terms.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = fx.sparse(terms.get(i));
    }
    return out;
  }

  private static List<int[]> subset(List<int[]> all, int[] indices) {
    List<int[]> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(all.get(i));
    }
    return out;
  }

  /**
   * Runs the exported head on (up to 2,000) training rows: it must give LIBLINEAR's probabilities
   * ({@link #MAX_PROBABILITY_DIFFERENCE}).
   */
  private static void checkOnnx(byte[] onnx, Model model, SparseRows rows, List<String> labels) {
    int m = Math.min(rows.size(), 2000);
    float[][] dense = new float[m][];
    for (int i = 0; i < m; i++) {
      dense[i] = rows.dense(i);
    }
    float[][] p;
    try (HeadRunner runner = new HeadRunner(onnx)) {
      p = runner.predict(dense);
    } catch (OrtException e) {
      throw new IllegalStateException("the exported head does not load in ONNX Runtime", e);
    }
    double worst = 0;
    int worstRow = -1;
    for (int i = 0; i < m; i++) {
      float[] expected = LogisticRegression.probabilities(model, rows.nodes(i), labels.size());
      for (int c = 0; c < expected.length; c++) {
        double difference = Math.abs(p[i][c] - expected[c]);
        if (difference > worst) {
          worst = difference;
          worstRow = i;
        }
      }
    }
    if (worst > MAX_PROBABILITY_DIFFERENCE) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "ONNX head does not reproduce LIBLINEAR: a class probability differs by %.2e on"
                  + " training row %d of %d checked (allowed %.0e; %d labels)",
              worst,
              worstRow,
              m,
              MAX_PROBABILITY_DIFFERENCE,
              labels.size()));
    }
  }

  private <T> List<T> run(List<Callable<T>> tasks) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            settings.parallelism(),
            r -> {
              Thread t = new Thread(r, "sieve-candidates");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("candidate selection interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a candidate fold failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
