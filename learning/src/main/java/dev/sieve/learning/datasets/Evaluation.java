package dev.sieve.learning.datasets;

import ai.onnxruntime.OrtException;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.Metrics;
import dev.sieve.learning.training.OnnxHead;
import dev.sieve.learning.training.Retrainer;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Offline evaluation on a labelled JSONL dataset, with the production code paths: texts embedded by
 * the real embedding network, the head trained on the train split by {@link Retrainer} (grid chosen
 * by cross-validation, ONNX export checked), and the test split scored by the exported ONNX head as
 * the inference job would run it. Ends with one parseable {@code EVAL} line.
 */
public final class Evaluation {

  /** What an evaluation measured; {@code trainSeconds} counts training only, not embedding. */
  public record Report(
      String dataset,
      String chosen,
      int nTrain,
      int nTest,
      Metrics test,
      double trainSeconds,
      String settings,
      double cvMacroF1) {

    public String evalLine() {
      return String.format(
          Locale.ROOT,
          "EVAL dataset=%s n_train=%d chosen=%s accuracy=%.4f macro_f1=%.4f train_s=%.2f",
          dataset,
          nTrain,
          chosen,
          test.accuracy(),
          test.macroF1(),
          trainSeconds);
    }
  }

  /**
   * The name of this evaluation's head in the {@code EVAL} line: Tribuo's AdaGrad logistic
   * regression, as retrain-trigger trains it ({@code <network>/lr-sgd}).
   */
  public static final String SGD_HEAD = "lr-sgd";

  private Evaluation() {}

  /**
   * Runs one evaluation. {@code limitTrain} (0 = all) keeps a seeded random sample of the train
   * split; {@code cacheDir} (nullable) keeps embeddings between runs.
   */
  public static Report run(
      Path file,
      EmbeddingModel model,
      int limitTrain,
      Path cacheDir,
      PrintStream out,
      PrintStream err)
      throws IOException, OrtException {
    LabelledTexts data = LabelledTexts.read(file);
    List<LabelledTexts.Row> train = new ArrayList<>(data.split("train"));
    List<LabelledTexts.Row> test = data.split("test");
    if (train.isEmpty() || test.isEmpty()) {
      throw new IllegalArgumentException(file + " needs rows with split=train and split=test");
    }
    if (limitTrain > 0 && limitTrain < train.size()) {
      Collections.shuffle(train, new Random(17));
      train = new ArrayList<>(train.subList(0, limitTrain));
    }
    float[][] trainX;
    float[][] testX;
    int threads = Runtime.getRuntime().availableProcessors();
    try (SentenceEmbedder embedder = SharedEmbedders.acquire(model, EmbedderOptions.defaults())) {
      trainX = embedCached(embedder, data.name(), "train", train, threads, cacheDir, err);
      testX = embedCached(embedder, data.name(), "test", test, threads, cacheDir, err);
    }

    LabelledSet.Builder builder = LabelledSet.builder();
    for (int i = 0; i < train.size(); i++) {
      builder.add(train.get(i).id(), train.get(i).label(), trainX[i]);
    }
    LabelledSet set = builder.build();
    err.println("training on " + set);
    Retrainer.Outcome outcome = Retrainer.defaults().retrain(set, null);
    double trainSeconds = outcome.trainingMs() / 1000.0;

    int[] truth = new int[test.size()];
    List<String> labels = set.labelOrder();
    for (int i = 0; i < test.size(); i++) {
      truth[i] = labels.indexOf(test.get(i).label());
      if (truth[i] < 0) {
        throw new IllegalArgumentException(
            "test label '" + test.get(i).label() + "' is not in train");
      }
    }
    int[] predicted;
    try (OnnxHead head = new OnnxHead(labels, outcome.head().onnx())) {
      predicted = head.predict(testX);
    }
    Metrics metrics = Metrics.of(labels, truth, predicted);
    Report report =
        new Report(
            data.name(),
            model.id() + "/" + SGD_HEAD,
            set.size(),
            test.size(),
            metrics,
            trainSeconds,
            outcome.settings().toString(),
            outcome.challenger().macroF1());
    out.printf(
        Locale.ROOT,
        "dataset %s (%s): %d train, %d test; head settings [%s], %d-fold CV macro-F1 on"
            + " train %.4f%n",
        data.name(),
        model.id(),
        set.size(),
        test.size(),
        report.settings(),
        outcome.folds(),
        report.cvMacroF1());
    out.println(metrics.table());
    out.println(report.evalLine());
    return report;
  }

  /**
   * One split's embeddings, kept in {@code cacheDir} (when given) under a name that says which rows
   * and which network they are: {@code sieve eval}, {@code sieve eval-al} and the benchmarks share
   * one cache through it.
   */
  public static float[][] embedCached(
      SentenceEmbedder embedder,
      String dataset,
      String split,
      List<LabelledTexts.Row> rows,
      int threads,
      Path cacheDir,
      PrintStream err)
      throws IOException {
    List<String> texts = rows.stream().map(LabelledTexts.Row::text).toList();
    if (cacheDir == null) {
      return ParallelEmbedding.embed(embedder, texts, threads, split, err);
    }
    String model = cacheModel(EmbeddingModel.byId(embedder.modelId()));
    return EmbeddingCache.load(
        cacheDir.resolve(cacheKey(dataset, split, rows, model)),
        () -> ParallelEmbedding.embed(embedder, texts, threads, split, err));
  }

  /**
   * What names a network in a cache file: its digest, and for a network with a text prefix also its
   * id — two networks can share one {@code .onnx} (e5 with and without its "query: " prefix), and
   * the prefix changes every embedding.
   */
  public static String cacheModel(EmbeddingModel model) {
    return model.digest()
        + (model.textPrefix().isEmpty() ? "" : "-" + model.id().replaceAll("[^a-z0-9.-]", "_"));
  }

  /**
   * The cache file name of a split's embeddings: it names everything the rows depend on (dataset,
   * split, row count, ids and texts by hash, the network's digest), so every command that embeds a
   * dataset ({@code sieve eval}, {@code eval-al}, {@code calibrate-drift}) shares one cache.
   */
  public static String cacheKey(
      String dataset, String split, List<LabelledTexts.Row> rows, String modelDigest) {
    List<String> texts = rows.stream().map(LabelledTexts.Row::text).toList();
    return String.format(
        Locale.ROOT,
        "%s-%s-%d-%08x-%s.f32",
        dataset,
        split,
        rows.size(),
        rows.stream().map(LabelledTexts.Row::id).toList().hashCode() * 31 + texts.hashCode(),
        modelDigest.substring(0, 12) + modelDigest.substring(Math.min(64, modelDigest.length())));
  }

  /** For a run without the CLI: {@code Evaluation <file.jsonl> [limitTrain] [cacheDir]}. */
  public static void main(String[] args) throws Exception {
    Path cache = args.length > 2 ? Path.of(args[2]) : null;
    int limit = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    run(Path.of(args[0]), EmbeddingModel.DEFAULT, limit, cache, System.out, System.err);
  }
}
