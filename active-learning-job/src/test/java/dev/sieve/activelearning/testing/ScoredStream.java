package dev.sieve.activelearning.testing;

import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.learning.datasets.EmbeddingCache;
import dev.sieve.learning.datasets.ParallelEmbedding;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.ZeroShotHead;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.ScoredContent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Scored content built the way inference-job builds it, from real parts: the messages of the demo
 * corpus bundled with the repository ({@link DemoCorpus}: a web shop's customers, then — the shift
 * — smart-home devices and a subscription app), their int8 MiniLM embeddings (the model module's
 * embedder; cached under {@code target/it-embeddings} so a second run skips the embedding) and the
 * probabilities of the demo's zero-shot {@code topic} head (billing, shipping, bug, praise, from
 * the corpus's label descriptions; served by ONNX Runtime), published here as version 1.
 */
public final class ScoredStream {

  public static final String CLASSIFIER = "topic";
  public static final List<String> CLASSES = DemoCorpus.LABELS;

  private static final Path CACHE = Path.of("target", "it-embeddings");

  private static List<Item> corpus;

  /** One text with its truth, the phase of the corpus it comes from, embedding and scores. */
  public record Item(
      String id, String text, String truth, int phase, float[] embedding, double[] scores) {

    /** The index of the top class. */
    public int top() {
      int best = 0;
      for (int c = 1; c < scores.length; c++) {
        if (scores[c] > scores[best]) {
          best = c;
        }
      }
      return best;
    }

    public String guess() {
      return CLASSES.get(top());
    }

    public double confidence() {
      return scores[top()];
    }
  }

  private ScoredStream() {}

  /**
   * All 1,280 messages of the demo corpus in its stream order (719 of phase 1, then 561 of phase
   * 2), embedded and scored; computed once per JVM.
   */
  public static synchronized List<Item> demo() throws IOException {
    if (corpus == null) {
      corpus = score(DemoCorpus.load().items());
    }
    return corpus;
  }

  /** The demo corpus in an order shuffled with {@code seed}: a stationary mix of both phases. */
  public static List<Item> shuffled(long seed) throws IOException {
    List<Item> items = new ArrayList<>(demo());
    Collections.shuffle(items, new Random(seed));
    return items;
  }

  private static List<Item> score(List<DemoCorpus.Item> rows) throws IOException {
    List<String> texts = rows.stream().map(DemoCorpus.Item::text).toList();
    try (EmbedderHandle embedder = SharedEmbedders.acquire()) {
      Path cache =
          CACHE.resolve(
              String.format(
                  Locale.ROOT,
                  "demo-corpus-%d-%08x-%s-%s.bin",
                  rows.size(),
                  texts.hashCode(),
                  embedder.modelId(),
                  embedder.modelDigest().substring(0, 12)));
      float[][] vectors =
          EmbeddingCache.load(
              cache, () -> ParallelEmbedding.embed(embedder, texts, 2, "demo corpus", System.out));
      float[][] probabilities;
      try (HeadRunner head =
          new HeadRunner(
              ZeroShotHead.build(
                  embedder, CLASSES, DemoCorpus.DESCRIPTIONS, ZeroShotHead.DEFAULT_TEMPERATURE))) {
        probabilities = head.predict(vectors);
      } catch (ai.onnxruntime.OrtException e) {
        throw new IOException("zero-shot head did not load", e);
      }
      List<Item> items = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        DemoCorpus.Item row = rows.get(i);
        double[] p = new double[CLASSES.size()];
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
          p[c] = probabilities[i][c];
          sum += p[c];
        }
        for (int c = 0; c < p.length; c++) {
          p[c] /= sum; // float softmax: renormalised in double, as the inference job's map is
        }
        items.add(new Item(row.id(), row.text(), row.label(), row.phase(), vectors[i], p));
      }
      return List.copyOf(items);
    }
  }

  /** The record inference-job would write for {@code item}. */
  public static ScoredContent scored(Item item) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int c = 0; c < CLASSES.size(); c++) {
      scores.put(CLASSES.get(c), item.scores()[c]);
    }
    List<Float> embedding = new ArrayList<>(item.embedding().length);
    for (float v : item.embedding()) {
      embedding.add(v);
    }
    return ScoredContent.newBuilder()
        .setContentId(item.id())
        .setText(item.text())
        .setEmbeddingModel(EmbeddingModel.DEFAULT.id())
        .setEmbedding(embedding)
        .setClassifiers(
            Map.of(
                CLASSIFIER,
                ClassifierScores.newBuilder()
                    .setModelVersion(1)
                    .setLabel(item.guess())
                    .setConfidence(item.confidence())
                    .setScores(scores)
                    .build()))
        .setScoredAtMs(System.currentTimeMillis())
        .build();
  }
}
