package dev.sieve.tools.calibrate;

import dev.sieve.learning.datasets.LabelledTexts;
import dev.sieve.learning.training.HeadTrainer;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.LinearHead;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;

/**
 * One labelled dataset as a deployed classifier sees it: every text (train and test splits
 * together), its embedding, and class probabilities from a head that never saw that text.
 *
 * <p>Why cross-fitting instead of "head trained on train, scored on test": the test splits (860 to
 * 1,421 texts) are too small for a reference of R events plus several disjoint windows of W, and a
 * head's scores on its own training texts are over-confident, so a stream mixing them with test
 * texts would not be stationary. So the rows are split into {@code k} folds, one head is trained by
 * {@link HeadTrainer} (default settings) on the other folds, and each row is scored by the head of
 * its fold. Each head sees (k-1)/k of the data, about what a deployed head trained on the train
 * split sees. Texts of another dataset are scored by the same heads ({@link #scoreForeign}), which
 * is what a topic drift looks like to the classifier: texts of classes it does not know.
 */
final class ScoredDataset {

  private final String name;
  private final List<String> classes;
  private final String[] texts;
  private final int[] labels;
  private final float[][] embeddings;
  private final LinearHead[] heads;
  private final Events own;

  private ScoredDataset(
      String name,
      List<String> classes,
      String[] texts,
      int[] labels,
      float[][] embeddings,
      LinearHead[] heads,
      Events own) {
    this.name = name;
    this.classes = classes;
    this.texts = texts;
    this.labels = labels;
    this.embeddings = embeddings;
    this.heads = heads;
    this.own = own;
  }

  /** Reads, embeds (cached) and cross-fits {@code folds} heads with {@code seed}. */
  static ScoredDataset load(
      Path file, DatasetEmbeddings embedder, int folds, long seed, PrintStream progress)
      throws IOException {
    LabelledTexts data = LabelledTexts.read(file);
    List<LabelledTexts.Row> train = data.split("train");
    List<LabelledTexts.Row> test = data.split("test");
    if (train.isEmpty() && test.isEmpty()) {
      throw new IllegalArgumentException(file + " has no rows with split=train or split=test");
    }
    List<LabelledTexts.Row> rows = new ArrayList<>(train);
    rows.addAll(test);
    float[][] embeddings = new float[rows.size()][];
    float[][] trainX =
        train.isEmpty() ? new float[0][] : embedder.embed(data.name(), "train", train);
    float[][] testX = test.isEmpty() ? new float[0][] : embedder.embed(data.name(), "test", test);
    System.arraycopy(trainX, 0, embeddings, 0, trainX.length);
    System.arraycopy(testX, 0, embeddings, trainX.length, testX.length);

    List<String> classes = List.copyOf(new TreeSet<>(rows.stream().map(r -> r.label()).toList()));
    String[] texts = new String[rows.size()];
    int[] labels = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      texts[i] = rows.get(i).text();
      labels[i] = classes.indexOf(rows.get(i).label());
    }

    int[] fold = folds(rows.size(), folds, seed);
    LinearHead[] heads = new LinearHead[folds];
    float[][] scores = new float[rows.size()][];
    long start = System.nanoTime();
    for (int f = 0; f < folds; f++) {
      LabelledSet.Builder set = LabelledSet.builder().labelOrder(classes);
      List<Integer> held = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (fold[i] == f) {
          held.add(i);
        } else {
          set.add(rows.get(i).id(), rows.get(i).label(), embeddings[i]);
        }
      }
      heads[f] = HeadTrainer.fit(set.build(), HeadTrainer.DEFAULT);
      float[][] heldX = new float[held.size()][];
      for (int h = 0; h < held.size(); h++) {
        heldX[h] = embeddings[held.get(h)];
      }
      float[][] heldP = heads[f].probabilities(heldX);
      for (int h = 0; h < held.size(); h++) {
        scores[held.get(h)] = heldP[h];
      }
    }
    progress.printf(
        Locale.ROOT,
        "%s: %d texts, %d classes, %d cross-fitted heads trained in %.1f s%n",
        data.name(),
        rows.size(),
        classes.size(),
        folds,
        (System.nanoTime() - start) / 1e9);
    return new ScoredDataset(
        data.name(),
        classes,
        texts,
        labels,
        embeddings,
        heads,
        Events.of(scores, embeddings, classes.size()));
  }

  /** Fold of each row: a seeded shuffle dealt round-robin, so folds differ in size by at most 1. */
  static int[] folds(int n, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("need at least 2 folds, got " + k);
    }
    int[] order = Sampling.permutation(n, new Random(seed));
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[order[i]] = i % k;
    }
    return fold;
  }

  String name() {
    return name;
  }

  List<String> classes() {
    return classes;
  }

  String[] texts() {
    return texts;
  }

  int[] labels() {
    return labels;
  }

  float[][] embeddings() {
    return embeddings;
  }

  /** This dataset's texts with out-of-fold scores: a stationary stream for its own classifier. */
  Events own() {
    return own;
  }

  /** Share of this dataset's texts whose out-of-fold prediction is wrong. */
  double errorRate() {
    int wrong = 0;
    for (int i = 0; i < labels.length; i++) {
      if (own.predicted()[i] != labels[i]) {
        wrong++;
      }
    }
    return (double) wrong / labels.length;
  }

  /** {@code other}'s texts scored by this dataset's heads (row i by head i mod k). */
  Events scoreForeign(ScoredDataset other) {
    float[][] x = other.embeddings;
    float[][] scores = new float[x.length][];
    for (int f = 0; f < heads.length; f++) {
      List<float[]> rows = new ArrayList<>();
      for (int i = f; i < x.length; i += heads.length) {
        rows.add(x[i]);
      }
      float[][] p = heads[f].probabilities(rows.toArray(float[][]::new));
      for (int r = 0, i = f; i < x.length; r++, i += heads.length) {
        scores[i] = p[r];
      }
    }
    return Events.of(scores, x, classes.size());
  }
}
