package dev.sieve.learning.datasets;

import dev.sieve.model.SentenceEmbedder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embeds a whole dataset with every core: the embedder runs one ONNX Runtime thread per call (the
 * setting the streaming jobs use), so chunks go to one calling thread per core. Chunks of a few
 * hundred texts leave the embedder room to bucket texts by length inside each call. Prints a
 * progress line (done / total, texts per second) to {@code progress} as chunks finish.
 */
public final class ParallelEmbedding {

  private static final int CHUNK = 256;

  private ParallelEmbedding() {}

  public static float[][] embed(
      SentenceEmbedder embedder,
      List<String> texts,
      int threads,
      String what,
      PrintStream progress) {
    float[][] out = new float[texts.size()][];
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "sieve-embed");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int from = 0; from < texts.size(); from += CHUNK) {
        int lo = from;
        int hi = Math.min(texts.size(), from + CHUNK);
        futures.add(
            pool.submit(
                () -> {
                  float[][] rows = embedder.embed(texts.subList(lo, hi));
                  System.arraycopy(rows, 0, out, lo, rows.length);
                  int n = done.addAndGet(rows.length);
                  if (progress != null) {
                    double s = (System.nanoTime() - start) / 1e9;
                    synchronized (progress) {
                      progress.printf(
                          Locale.ROOT,
                          "\rembedded %s %d/%d (%.0f texts/s)",
                          what,
                          n,
                          texts.size(),
                          n / s);
                      if (n == texts.size()) {
                        progress.println();
                      }
                      progress.flush();
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("embedding interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("embedding failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
