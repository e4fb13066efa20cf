package dev.sieve.tools.calibrate;

import java.util.Random;

/** Seeded permutations, for shuffled streams that a run with the same seed repeats exactly. */
final class Sampling {

  private Sampling() {}

  /** A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates). */
  static int[] permutation(int n, Random random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
