package dev.sieve.tools.bench;

import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.OnnxSentenceEmbedder;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.ZeroShotHead;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures how much batching moves embeddings and labels, and what batching buys in throughput. For
 * each dataset and embedding network it embeds the test texts one at a time and in micro-batches of
 * 64 (arrival order, split by length as the embedder does), then reports the cosine between the two
 * embeddings of each text and how often a zero-shot head and a nearest-centroid classifier
 * (centroids of the train split, embedded one at a time) change their label. It then times batch 1
 * against length-bucketed sub-batches on the first dataset. Run it with {@code
 * -Dai.djl.offline=true} and {@code OPT_OUT_TRACKING=true}, like any JVM that loads DJL.
 *
 * <p>Usage: {@code BatchFlipMeasurement [--models id,id] [--throughput-only] dataset.jsonl...}
 */
public final class BatchFlipMeasurement {

  private static final int MICRO_BATCH = 64;
  private static final int ROUNDS = 5;

  private BatchFlipMeasurement() {}

  public static void main(String[] args) throws Exception {
    List<EmbeddingModel> models = List.of(EmbeddingModel.values());
    List<Path> datasets = new ArrayList<>();
    boolean flips = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--models" ->
            models = Arrays.stream(args[++i].split(",")).map(EmbeddingModel::byId).toList();
        case "--throughput-only" -> flips = false;
        default -> datasets.add(Path.of(args[i]));
      }
    }
    if (datasets.isEmpty()) {
      System.err.println(
          "usage: BatchFlipMeasurement [--models id,id] [--throughput-only] dataset.jsonl...");
      System.exit(2);
    }
    System.out.printf(
        "# %s, %d cores, Java %s%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    for (EmbeddingModel model : models) {
      if (flips) {
        try (OnnxSentenceEmbedder embedder =
            OnnxSentenceEmbedder.load(model, EmbedderOptions.defaults())) {
          for (Path dataset : datasets) {
            flipReport(embedder, dataset);
          }
        }
      }
      throughputReport(model, datasets.get(0));
    }
  }

  private static void flipReport(OnnxSentenceEmbedder embedder, Path dataset) throws Exception {
    List<LabelledText> rows = LabelledText.read(dataset);
    List<String> trainTexts =
        rows.stream().filter(r -> r.split().equals("train")).map(LabelledText::text).toList();
    List<String> trainLabels =
        rows.stream().filter(r -> r.split().equals("train")).map(LabelledText::label).toList();
    List<LabelledText> test = rows.stream().filter(r -> r.split().equals("test")).toList();
    List<String> testTexts = test.stream().map(LabelledText::text).toList();
    List<String> labels = trainLabels.stream().distinct().sorted().toList();

    long truncated =
        testTexts.stream()
            .filter(t -> embedder.tokenCount(t) >= embedder.options().maxLength())
            .count();
    float[][] train = embedOneByOne(embedder, trainTexts, 2);
    float[][] single = embedOneByOne(embedder, testTexts, 2);
    float[][] batched = new float[testTexts.size()][];
    for (int start = 0; start < testTexts.size(); start += MICRO_BATCH) {
      List<String> chunk =
          testTexts.subList(start, Math.min(testTexts.size(), start + MICRO_BATCH));
      float[][] out = embedder.embed(chunk);
      System.arraycopy(out, 0, batched, start, out.length);
    }

    double sum = 0;
    double min = 1;
    for (int i = 0; i < single.length; i++) {
      double c = dot(single[i], batched[i]);
      sum += c;
      min = Math.min(min, c);
    }
    float[][] centroids = centroids(train, trainLabels, labels);
    int centroidFlips = 0;
    int zeroShotFlips = 0;
    int centroidCorrect = 0;
    int zeroShotCorrect = 0;
    List<String> descriptions =
        labels.stream().map(l -> "This text is " + l.replace('-', ' ') + ".").toList();
    try (HeadRunner zeroShot =
        new HeadRunner(
            ZeroShotHead.build(embedder, labels, descriptions, ZeroShotHead.DEFAULT_TEMPERATURE))) {
      float[][] pSingle = zeroShot.predict(single);
      float[][] pBatched = zeroShot.predict(batched);
      for (int i = 0; i < single.length; i++) {
        int a = nearest(centroids, single[i]);
        int b = nearest(centroids, batched[i]);
        centroidFlips += a != b ? 1 : 0;
        centroidCorrect += labels.get(a).equals(test.get(i).label()) ? 1 : 0;
        int za = argmax(pSingle[i]);
        int zb = argmax(pBatched[i]);
        zeroShotFlips += za != zb ? 1 : 0;
        zeroShotCorrect += labels.get(za).equals(test.get(i).label()) ? 1 : 0;
      }
    }
    int n = single.length;
    System.out.printf(
        "flips %-22s %-20s test=%d truncated=%d cos mean=%.5f min=%.5f | centroid flips %d (%.2f %%) acc %.3f | zero-shot flips %d (%.2f %%) acc %.3f%n",
        embedder.modelId(),
        dataset.getFileName(),
        n,
        truncated,
        sum / n,
        min,
        centroidFlips,
        100.0 * centroidFlips / n,
        (double) centroidCorrect / n,
        zeroShotFlips,
        100.0 * zeroShotFlips / n,
        (double) zeroShotCorrect / n);
  }

  /**
   * Times batch 1 against micro-batches split by length. The machine is shared, so the
   * configurations run interleaved, round by round, and each reports its best round: a burst of
   * load elsewhere then slows one round of every configuration instead of one configuration.
   */
  private static void throughputReport(EmbeddingModel model, Path dataset) throws Exception {
    List<String> texts =
        LabelledText.read(dataset).stream()
            .filter(r -> r.split().equals("test"))
            .map(LabelledText::text)
            .toList();
    Map<String, int[]> configs = new LinkedHashMap<>(); // name -> {micro-batch, max sub-batch}
    configs.put("batch 1", new int[] {1, 1});
    for (int micro : new int[] {64, 256}) {
      configs.put("micro " + micro + ", unbucketed (one sub-batch)", new int[] {micro, micro});
      for (int sub : new int[] {8, 16, 32, 64}) {
        if (sub < micro) {
          configs.put("micro " + micro + ", sub-batches <= " + sub, new int[] {micro, sub});
        }
      }
    }
    Map<Integer, OnnxSentenceEmbedder> bySubBatch = new LinkedHashMap<>();
    try {
      for (int[] c : configs.values()) {
        if (!bySubBatch.containsKey(c[1])) {
          bySubBatch.put(
              c[1],
              OnnxSentenceEmbedder.load(model, EmbedderOptions.defaults().withMaxSubBatch(c[1])));
        }
      }
      Map<String, Double> best = new LinkedHashMap<>();
      for (int round = 0; round < ROUNDS + 1; round++) {
        for (Map.Entry<String, int[]> c : configs.entrySet()) {
          long t0 = System.nanoTime();
          run(bySubBatch.get(c.getValue()[1]), texts, c.getValue()[0]);
          double rate = texts.size() / ((System.nanoTime() - t0) / 1e9);
          if (round > 0) { // round 0 warms up
            best.merge(c.getKey(), rate, Math::max);
          }
        }
      }
      for (Map.Entry<String, Double> b : best.entrySet()) {
        System.out.printf(
            "throughput %-22s %-20s %-40s %7.0f sentences/s (best of %d interleaved rounds, 1 caller, 1 intra-op thread)%n",
            model.id(), dataset.getFileName(), b.getKey(), b.getValue(), ROUNDS);
      }
    } finally {
      bySubBatch.values().forEach(OnnxSentenceEmbedder::close);
    }
  }

  private static void run(SentenceEmbedder embedder, List<String> texts, int microBatch) {
    for (int start = 0; start < texts.size(); start += microBatch) {
      embedder.embed(texts.subList(start, Math.min(texts.size(), start + microBatch)));
    }
  }

  private static float[][] embedOneByOne(SentenceEmbedder embedder, List<String> texts, int threads)
      throws Exception {
    float[][] out = new float[texts.size()][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < texts.size(); i += threads) {
                    out[i] = embedder.embed(List.of(texts.get(i)))[0];
                  }
                }));
      }
      for (Future<?> p : parts) {
        p.get();
      }
    } finally {
      pool.shutdown();
    }
    return out;
  }

  private static float[][] centroids(float[][] x, List<String> y, List<String> labels) {
    float[][] c = new float[labels.size()][x[0].length];
    for (int i = 0; i < x.length; i++) {
      float[] row = c[labels.indexOf(y.get(i))];
      for (int j = 0; j < row.length; j++) {
        row[j] += x[i][j];
      }
    }
    for (float[] row : c) {
      double norm = Math.sqrt(dot(row, row));
      for (int j = 0; j < row.length; j++) {
        row[j] /= (float) norm;
      }
    }
    return c;
  }

  private static int nearest(float[][] centroids, float[] x) {
    int best = 0;
    for (int k = 1; k < centroids.length; k++) {
      if (dot(centroids[k], x) > dot(centroids[best], x)) {
        best = k;
      }
    }
    return best;
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
