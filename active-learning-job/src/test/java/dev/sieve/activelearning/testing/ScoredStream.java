package dev.sieve.activelearning.testing;

import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.ZeroShotHead;
import dev.sieve.learning.datasets.EmbeddingCache;
import dev.sieve.learning.datasets.LabelledTexts;
import dev.sieve.learning.datasets.ParallelEmbedding;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.ScoredContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scored content built the way inference-job builds it, from real parts: texts of a shared dataset,
 * their int8 MiniLM embeddings (the model module's embedder; cached under {@code
 * target/it-embeddings} so a second run skips the embedding) and the probabilities of a zero-shot
 * ham/spam head (the model module's cold-start head, version 1, served by ONNX Runtime).
 */
public final class ScoredStream {

  public static final String CLASSIFIER = "sms";
  public static final List<String> CLASSES = List.of("ham", "spam");

  /** The descriptions RetrainTriggerIT uses for the same head. */
  private static final List<String> DESCRIPTIONS =
      List.of(
          "an ordinary personal message between friends or family",
          "an unsolicited advertisement, prize, offer or paid service message");

  private static final Path DATASETS = Path.of("..", "..", "shared", "datasets");
  private static final Path CACHE = Path.of("target", "it-embeddings");

  /** One text with its truth, embedding and the head's scores. */
  public record Item(String id, String text, String truth, float[] embedding, double[] scores) {

    public String guess() {
      return scores[1] > scores[0] ? CLASSES.get(1) : CLASSES.get(0);
    }
  }

  private ScoredStream() {}

  /**
   * The first {@code limit} texts of {@code dataset} (all when {@code limit <= 0}) in an order
   * shuffled with {@code seed}, embedded and scored.
   */
  public static List<Item> of(String dataset, int limit, long seed) throws IOException {
    Path file = DATASETS.resolve(dataset + ".jsonl");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "shared dataset missing: " + file.toAbsolutePath() + " (tests read ../shared/datasets)");
    }
    List<LabelledTexts.Row> rows = new ArrayList<>(LabelledTexts.read(file).rows());
    Collections.shuffle(rows, new Random(seed));
    if (limit > 0 && limit < rows.size()) {
      rows = rows.subList(0, limit);
    }
    List<String> texts = rows.stream().map(LabelledTexts.Row::text).toList();
    try (EmbedderHandle embedder = SharedEmbedders.acquire()) {
      Path cache =
          CACHE.resolve(
              dataset
                  + "-"
                  + rows.size()
                  + "-seed"
                  + seed
                  + "-"
                  + embedder.modelId()
                  + "-"
                  + embedder.modelDigest().substring(0, 12)
                  + ".bin");
      float[][] vectors =
          EmbeddingCache.load(
              cache, () -> ParallelEmbedding.embed(embedder, texts, 2, dataset, System.out));
      float[][] probabilities;
      try (HeadRunner head =
          new HeadRunner(
              ZeroShotHead.build(
                  embedder, CLASSES, DESCRIPTIONS, ZeroShotHead.DEFAULT_TEMPERATURE))) {
        probabilities = head.predict(vectors);
      } catch (ai.onnxruntime.OrtException e) {
        throw new IOException("zero-shot head did not load", e);
      }
      List<Item> items = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        LabelledTexts.Row row = rows.get(i);
        double[] p = {probabilities[i][0], probabilities[i][1]};
        double sum = p[0] + p[1];
        p[0] /= sum; // float softmax: renormalised in double, as the inference job's map is
        p[1] /= sum;
        items.add(new Item(row.id(), row.text(), row.label(), vectors[i], p));
      }
      return items;
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
                    .setConfidence(Math.max(item.scores()[0], item.scores()[1]))
                    .setScores(scores)
                    .build()))
        .setScoredAtMs(System.currentTimeMillis())
        .build();
  }
}
