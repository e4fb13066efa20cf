package dev.sieve.learning.training;

import dev.sieve.schemas.ClassMetrics;
import dev.sieve.schemas.ModelMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classification quality from a confusion matrix: accuracy, per-class precision, recall, F1 and
 * support, and macro-F1. Macro-F1 averages over the classes that occur in the truth or the
 * predictions (as scikit-learn does without an explicit label list), so a declared class nobody has
 * labelled yet neither helps nor hurts. A class never predicted has precision 0. Plain Java, so the
 * numbers a version is published with are ours and tested on their own.
 */
public final class Metrics {

  private final List<String> labels;
  private final int[][] confusion;
  private final int total;
  private final double accuracy;
  private final double[] precision;
  private final double[] recall;
  private final double[] f1;
  private final int[] support;
  private final double macroF1;

  private Metrics(List<String> labels, int[][] confusion) {
    this.labels = List.copyOf(labels);
    this.confusion = confusion;
    int k = labels.size();
    precision = new double[k];
    recall = new double[k];
    f1 = new double[k];
    support = new int[k];
    int[] predicted = new int[k];
    int correct = 0;
    int n = 0;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        support[t] += confusion[t][p];
        predicted[p] += confusion[t][p];
        n += confusion[t][p];
      }
      correct += confusion[t][t];
    }
    total = n;
    accuracy = n == 0 ? 0 : (double) correct / n;
    double f1Sum = 0;
    int present = 0;
    for (int c = 0; c < k; c++) {
      int tp = confusion[c][c];
      precision[c] = predicted[c] == 0 ? 0 : (double) tp / predicted[c];
      recall[c] = support[c] == 0 ? 0 : (double) tp / support[c];
      double denom = precision[c] + recall[c];
      f1[c] = denom == 0 ? 0 : 2 * precision[c] * recall[c] / denom;
      if (support[c] > 0 || predicted[c] > 0) {
        f1Sum += f1[c];
        present++;
      }
    }
    macroF1 = present == 0 ? 0 : f1Sum / present;
  }

  /** Metrics of predictions against the truth; both are indices into {@code labels}. */
  public static Metrics of(List<String> labels, int[] truth, int[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          truth.length + " truths but " + predicted.length + " predictions");
    }
    int[][] confusion = new int[labels.size()][labels.size()];
    for (int i = 0; i < truth.length; i++) {
      confusion[truth[i]][predicted[i]]++;
    }
    return new Metrics(labels, confusion);
  }

  /** Metrics of a given confusion matrix (rows: truth, columns: prediction). */
  public static Metrics ofConfusion(List<String> labels, int[][] confusion) {
    int[][] copy = new int[confusion.length][];
    for (int i = 0; i < confusion.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return new Metrics(labels, copy);
  }

  /**
   * Pools the folds of a cross-validation by adding their confusion matrices: every example is
   * scored exactly once, by the model that did not see it, so small folds do not get the same
   * weight as large ones.
   */
  public static Metrics pooled(List<Metrics> folds) {
    List<String> labels = folds.get(0).labels;
    int k = labels.size();
    int[][] sum = new int[k][k];
    for (Metrics m : folds) {
      if (!m.labels.equals(labels)) {
        throw new IllegalArgumentException("folds have different label orders");
      }
      for (int t = 0; t < k; t++) {
        for (int p = 0; p < k; p++) {
          sum[t][p] += m.confusion[t][p];
        }
      }
    }
    return new Metrics(labels, sum);
  }

  public List<String> labels() {
    return labels;
  }

  public int total() {
    return total;
  }

  public double accuracy() {
    return accuracy;
  }

  public double macroF1() {
    return macroF1;
  }

  public double precision(int c) {
    return precision[c];
  }

  public double recall(int c) {
    return recall[c];
  }

  public double f1(int c) {
    return f1[c];
  }

  public int support(int c) {
    return support[c];
  }

  /** A copy of the confusion matrix, rows truth, columns prediction, in label order. */
  public int[][] confusion() {
    int[][] copy = new int[confusion.length][];
    for (int i = 0; i < confusion.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /** The Avro record a {@code ModelVersion} carries. */
  public ModelMetrics toModelMetrics(int trainingSize, int folds) {
    List<ClassMetrics> perClass = new ArrayList<>();
    List<List<Integer>> rows = new ArrayList<>();
    for (int c = 0; c < labels.size(); c++) {
      perClass.add(
          ClassMetrics.newBuilder()
              .setLabel(labels.get(c))
              .setPrecision(precision[c])
              .setRecall(recall[c])
              .setF1(f1[c])
              .setSupport(support[c])
              .build());
      List<Integer> row = new ArrayList<>();
      for (int v : confusion[c]) {
        row.add(v);
      }
      rows.add(row);
    }
    return ModelMetrics.newBuilder()
        .setAccuracy(accuracy)
        .setMacroF1(macroF1)
        .setPerClass(perClass)
        .setConfusion(rows)
        .setTrainingSize(trainingSize)
        .setFolds(folds)
        .build();
  }

  /** A per-class table, for the CLI and logs. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    int width = Math.max(5, labels.stream().mapToInt(String::length).max().orElse(5));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-" + width + "s  %9s  %6s  %6s  %7s%n",
            "label",
            "precision",
            "recall",
            "f1",
            "support"));
    for (int c = 0; c < labels.size(); c++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-" + width + "s  %9.3f  %6.3f  %6.3f  %7d%n",
              labels.get(c),
              precision[c],
              recall[c],
              f1[c],
              support[c]));
    }
    sb.append(
        String.format(
            Locale.ROOT, "accuracy %.4f  macro-F1 %.4f  (n=%d)", accuracy, macroF1, total));
    return sb.toString();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "Metrics{accuracy=%.4f, macroF1=%.4f, n=%d}", accuracy, macroF1, total);
  }
}
