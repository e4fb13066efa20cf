package dev.sieve.tools.calibrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every pair of texts whose embeddings have cosine similarity at or above a floor, and each text's
 * nearest-neighbour similarity, by brute force over all pairs (n^2/2 dot products of unit vectors:
 * about 100 million for the largest dataset, seconds on two cores; an approximate index would only
 * add error to a one-off measurement).
 */
final class NearDuplicatePairs {

  /** Pairs {@code (first[k], second[k])} with similarity {@code similarity[k]}, first < second. */
  record Result(double[] nearestNeighbour, int[] first, int[] second, double[] similarity) {
    int pairs() {
      return first.length;
    }
  }

  private NearDuplicatePairs() {}

  /** Scans all pairs of the unit-length rows of {@code x} on {@code threads} threads. */
  static Result scan(float[][] x, double floor, int threads) {
    int n = x.length;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Stripe>> stripes = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Stripe stripe = new Stripe(n);
        int offset = t;
        // Rows dealt round-robin: row i costs n - i dot products, so stripes stay balanced.
        stripes.add(pool.submit(() -> stripe.scan(x, floor, offset, threads)));
      }
      double[] nn = new double[n];
      Arrays.fill(nn, -1);
      IntList first = new IntList();
      IntList second = new IntList();
      for (Future<Stripe> f : stripes) {
        Stripe s = f.get();
        for (int i = 0; i < n; i++) {
          nn[i] = Math.max(nn[i], s.nn[i]);
        }
        first.addAll(s.first);
        second.addAll(s.second);
      }
      int[] a = first.toArray();
      int[] b = second.toArray();
      double[] similarity = new double[a.length];
      for (int k = 0; k < a.length; k++) {
        similarity[k] = dot(x[a[k]], x[b[k]]);
      }
      return new Result(nn, a, b, similarity);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("pair scan interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("pair scan failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The nearest neighbours and pairs found from one stripe of rows. */
  private static final class Stripe {
    final double[] nn;
    final IntList first = new IntList();
    final IntList second = new IntList();

    Stripe(int n) {
      nn = new double[n];
      Arrays.fill(nn, -1);
    }

    Stripe scan(float[][] x, double floor, int offset, int step) {
      for (int i = offset; i < x.length; i += step) {
        float[] u = x[i];
        for (int j = i + 1; j < x.length; j++) {
          double s = dot(u, x[j]);
          nn[i] = Math.max(nn[i], s);
          nn[j] = Math.max(nn[j], s);
          if (s >= floor) {
            first.add(i);
            second.add(j);
          }
        }
      }
      return this;
    }
  }

  static double dot(float[] u, float[] v) {
    // Four accumulators: independent additions the CPU can overlap.
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int k = 0;
    for (; k + 3 < u.length; k += 4) {
      s0 += u[k] * v[k];
      s1 += u[k + 1] * v[k + 1];
      s2 += u[k + 2] * v[k + 2];
      s3 += u[k + 3] * v[k + 3];
    }
    for (; k < u.length; k++) {
      s0 += u[k] * v[k];
    }
    return (double) s0 + s1 + s2 + s3;
  }

  /** A growable int array: pairs can number in the hundreds of thousands. */
  private static final class IntList {
    private int[] values = new int[1024];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void addAll(IntList other) {
      for (int k = 0; k < other.size; k++) {
        add(other.values[k]);
      }
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
