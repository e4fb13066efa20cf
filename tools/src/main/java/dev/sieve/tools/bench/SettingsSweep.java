package dev.sieve.tools.bench;

import dev.sieve.learning.datasets.Evaluation;
import dev.sieve.learning.datasets.LabelledTexts;
import dev.sieve.learning.training.CrossValidation;
import dev.sieve.learning.training.HeadTrainer;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.LinearHead;
import dev.sieve.learning.training.Metrics;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measurement behind the trainer's default settings: for each point of a grid (epochs x AdaGrad
 * learning rate, class weighting on), the 5-fold cross-validated macro-F1 on the train split (what
 * the retrain job can see) and, for information only, the test-split macro-F1 and the CPU time of
 * one training. Arguments: {@code <dataset.jsonl> [cacheDir]}.
 */
public final class SettingsSweep {

  private SettingsSweep() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Path cache = Path.of(args.length > 1 ? args[1] : "retrain-trigger/target/embeddings");
    LabelledTexts data = LabelledTexts.read(file);
    List<LabelledTexts.Row> train = data.split("train");
    List<LabelledTexts.Row> test = data.split("test");
    float[][] trainX;
    float[][] testX;
    int threads = Runtime.getRuntime().availableProcessors();
    try (SentenceEmbedder e =
        SharedEmbedders.acquire(EmbeddingModel.DEFAULT, EmbedderOptions.defaults())) {
      trainX = Evaluation.embedCached(e, data.name(), "train", train, threads, cache, System.err);
      testX = Evaluation.embedCached(e, data.name(), "test", test, threads, cache, System.err);
    }
    LabelledSet.Builder b = LabelledSet.builder();
    for (int i = 0; i < train.size(); i++) {
      b.add(train.get(i).id(), train.get(i).label(), trainX[i]);
    }
    LabelledSet set = b.build();
    int[] truth = test.stream().mapToInt(r -> set.labelOrder().indexOf(r.label())).toArray();
    List<HeadTrainer.Settings> grid = new ArrayList<>();
    for (int epochs : new int[] {3, 5, 10, 20}) {
      for (double lr : new double[] {0.1, 0.5, 1.0}) {
        grid.add(new HeadTrainer.Settings(epochs, lr, true, 42L));
      }
    }
    CrossValidation cv = CrossValidation.defaults();
    CrossValidation.Selection sel = cv.select(grid, set, cv.folds(set));
    for (int g = 0; g < grid.size(); g++) {
      long cpu0 = cpu();
      LinearHead head = HeadTrainer.fit(set, grid.get(g));
      double cpuS = (cpu() - cpu0) / 1e9;
      Metrics m = Metrics.of(set.labelOrder(), truth, head.predict(testX));
      System.out.printf(
          Locale.ROOT,
          "SWEEP dataset=%s %s cv_macro_f1=%.4f test_macro_f1=%.4f train_cpu_s=%.2f%n",
          data.name(),
          grid.get(g),
          sel.all().get(g).macroF1(),
          m.macroF1(),
          cpuS);
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
