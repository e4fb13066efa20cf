package dev.sieve.learning.training;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A stratified k-fold split of a labelled set: each class's examples are shuffled with a fixed seed
 * and dealt round-robin to the folds, continuing from fold to fold across classes, so every fold
 * gets each class in proportion (±1 example) and the folds differ in size by at most one. The same
 * set and seed always give the same folds, which is what lets challenger and champion be compared
 * on the same folds and a retraining be repeated exactly.
 */
public final class Folds {

  private final int k;
  private final int[] foldOf;

  private Folds(int k, int[] foldOf) {
    this.k = k;
    this.foldOf = foldOf;
  }

  /** Splits {@code set} in {@code min(k, size)} folds. */
  public static Folds stratified(LabelledSet set, int k, long seed) {
    return stratified(set.labelIndexView(), set.classCount(), k, seed);
  }

  /**
   * Splits examples whose labels are {@code y} (indices below {@code classCount}) in {@code min(k,
   * n)} folds: the same folds as a labelled set with these labels in this order.
   */
  public static Folds stratified(int[] y, int classCount, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("need at least 2 folds, asked for " + k);
    }
    if (y.length < 2) {
      throw new IllegalArgumentException("need at least 2 examples to cross-validate");
    }
    int folds = Math.min(k, y.length);
    int[] foldOf = new int[y.length];
    SplittableRandom random = new SplittableRandom(seed);
    int next = 0;
    for (int c = 0; c < classCount; c++) {
      int[] members = new int[y.length];
      int m = 0;
      for (int i = 0; i < y.length; i++) {
        if (y[i] == c) {
          members[m++] = i;
        }
      }
      // Fisher-Yates on this class's members.
      for (int i = m - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = members[i];
        members[i] = members[j];
        members[j] = t;
      }
      for (int i = 0; i < m; i++) {
        foldOf[members[i]] = next;
        next = (next + 1) % folds;
      }
    }
    return new Folds(folds, foldOf);
  }

  public int count() {
    return k;
  }

  /** The fold each example is tested in. */
  public int foldOf(int example) {
    return foldOf[example];
  }

  /** Indices of the examples tested in {@code fold}, ascending. */
  public int[] test(int fold) {
    return Arrays.stream(indices()).filter(i -> foldOf[i] == fold).toArray();
  }

  /** Indices of the examples trained on for {@code fold}, ascending. */
  public int[] train(int fold) {
    return Arrays.stream(indices()).filter(i -> foldOf[i] != fold).toArray();
  }

  private int[] indices() {
    int[] all = new int[foldOf.length];
    Arrays.setAll(all, i -> i);
    return all;
  }
}
