package dev.sieve.tools.bench;

import dev.sieve.learning.datasets.Evaluation;
import dev.sieve.learning.datasets.LabelledTexts;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.Retrainer;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Times one full retraining — settings grid cross-validated on 5 stratified folds, the final head
 * trained on everything, exported to ONNX and checked — on 10,000 labelled examples with real
 * embeddings (the first 10,000 train rows of tweeteval_offensive). Embeddings are computed once and
 * cached under {@code target/}, since the benchmark is about training, not embedding. The
 * retraining runs a few times (the first warms the JIT) and the last is reported as {@code BENCH
 * retrain_examples=10000 cv_folds=5 seconds=<s>}.
 *
 * <p>Arguments: {@code [dataset.jsonl] [examples] [cacheDir] [runs]}.
 */
public final class RetrainBenchmark {

  private RetrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: RetrainBenchmark <dataset.jsonl> [examples=10000] [cacheDir] [runs=3]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path cache = Path.of(args.length > 2 ? args[2] : "retrain-trigger/target/embeddings");
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;

    LabelledTexts data = LabelledTexts.read(file);
    List<LabelledTexts.Row> rows = data.split("train");
    rows = rows.subList(0, Math.min(n, rows.size()));
    float[][] x;
    long embedStart = System.nanoTime();
    try (SentenceEmbedder embedder =
        SharedEmbedders.acquire(EmbeddingModel.DEFAULT, EmbedderOptions.defaults())) {
      x =
          Evaluation.embedCached(
              embedder,
              data.name(),
              "train",
              rows,
              Runtime.getRuntime().availableProcessors(),
              cache,
              System.err);
    }
    System.err.printf(
        Locale.ROOT,
        "embeddings ready in %.1f s (cache %s)%n",
        (System.nanoTime() - embedStart) / 1e9,
        cache);

    LabelledSet.Builder builder = LabelledSet.builder();
    for (int i = 0; i < rows.size(); i++) {
      builder.add(rows.get(i).id(), rows.get(i).label(), x[i]);
    }
    LabelledSet set = builder.build();
    Retrainer retrainer = Retrainer.defaults();
    double seconds = 0;
    double cpuSeconds = 0;
    Retrainer.Outcome outcome = null;
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      outcome = retrainer.retrain(set, null);
      seconds = (System.nanoTime() - start) / 1e9;
      cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      System.err.printf(
          Locale.ROOT,
          "run %d: %.2f s wall, %.2f s CPU, settings [%s], CV macro-F1 %.4f%n",
          r + 1,
          seconds,
          cpuSeconds,
          outcome.settings(),
          outcome.challenger().macroF1());
    }
    // CPU seconds too: on a shared machine the wall time also measures the neighbours' load.
    System.out.printf(
        Locale.ROOT,
        "BENCH retrain_examples=%d cv_folds=%d seconds=%.2f cpu_s=%.2f cores=%d%n",
        set.size(),
        outcome.folds(),
        seconds,
        cpuSeconds,
        Runtime.getRuntime().availableProcessors());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
