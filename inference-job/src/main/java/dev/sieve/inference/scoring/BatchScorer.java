package dev.sieve.inference.scoring;

import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one micro-batch of content events into predictions: embeds all texts once per network in
 * use — the primary network (its embedding goes into {@link ScoredContent}) and each network a
 * served version reads, each in one call (the embedder splits them into sub-batches of similar
 * length, which is what makes batching pay), however many classifiers read it — runs every served
 * classifier's head once over its network's embeddings, and builds one {@link Prediction} per event
 * and classifier plus one {@link ScoredContent} per event. Plain Java, no Flink.
 */
public final class BatchScorer {

  private final EmbeddingNetworks networks;

  public BatchScorer(EmbeddingNetworks networks) {
    this.networks = Objects.requireNonNull(networks, "networks");
  }

  /**
   * Scores {@code batch} with the heads of {@code models}; {@code nowMs} is the emission time, from
   * which each event's latency is measured back to its arrival.
   */
  public List<ScoredEvent> score(List<PendingEvent> batch, ServingModels models, long nowMs) {
    if (batch.isEmpty()) {
      return List.of();
    }
    List<String> texts = new ArrayList<>(batch.size());
    batch.forEach(p -> texts.add(p.event().getText()));
    Map<String, float[][]> byNetwork = new HashMap<>();
    float[][] embeddings = embed(networks.primary(), texts);
    byNetwork.put(networks.primaryId(), embeddings);

    List<ServingModels.Serving> served = List.copyOf(models.all());
    List<float[][]> probabilities = new ArrayList<>(served.size());
    for (ServingModels.Serving serving : served) {
      String network = serving.network();
      float[][] input =
          network == null
              ? null
              : byNetwork.computeIfAbsent(network, id -> embed(networks.get(id), texts));
      float[][] p = serving.head().predict(texts, input);
      checkShape(serving.version(), p, batch.size());
      probabilities.add(p);
    }

    List<ScoredEvent> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      PendingEvent pending = batch.get(i);
      String id = pending.event().getId();
      long latency = Math.max(0, nowMs - pending.arrivalMs());
      List<Prediction> predictions = new ArrayList<>(served.size());
      Map<String, ClassifierScores> perClassifier = new LinkedHashMap<>();
      for (int c = 0; c < served.size(); c++) {
        ModelVersion version = served.get(c).version();
        float[] row = probabilities.get(c)[i];
        List<String> labels = version.getLabels();
        int best = argMax(row);
        Map<String, Double> scores = new HashMap<>(labels.size() * 2);
        for (int k = 0; k < labels.size(); k++) {
          scores.put(labels.get(k), (double) row[k]);
        }
        predictions.add(
            Prediction.newBuilder()
                .setContentId(id)
                .setClassifier(version.getClassifier())
                .setLabel(labels.get(best))
                .setConfidence(row[best])
                .setScores(scores)
                .setModelVersion(version.getVersion())
                .setLatencyMs(latency)
                .setPredictedAtMs(nowMs)
                .build());
        perClassifier.put(
            version.getClassifier(),
            ClassifierScores.newBuilder()
                .setModelVersion(version.getVersion())
                .setLabel(labels.get(best))
                .setConfidence(row[best])
                .setScores(scores)
                .build());
      }
      ScoredContent scored =
          ScoredContent.newBuilder()
              .setContentId(id)
              .setText(pending.event().getText())
              .setEmbeddingModel(networks.primary().modelId())
              .setEmbedding(boxed(embeddings[i]))
              .setClassifiers(perClassifier)
              .setScoredAtMs(nowMs)
              .build();
      out.add(new ScoredEvent(pending, predictions, scored));
    }
    return out;
  }

  private static float[][] embed(Embedder embedder, List<String> texts) {
    float[][] embeddings = embedder.embed(texts);
    if (embeddings.length != texts.size()) {
      throw new IllegalStateException(
          embedder.modelId()
              + " returned "
              + embeddings.length
              + " vectors for "
              + texts.size()
              + " texts");
    }
    return embeddings;
  }

  /** Validation checked the label count on a smoke input; a head must not drift from it later. */
  private static void checkShape(ModelVersion version, float[][] p, int rows) {
    int labels = version.getLabels().size();
    if (p.length != rows || (rows > 0 && p[0].length != labels)) {
      throw new IllegalStateException(
          "head of "
              + version.getClassifier()
              + " v"
              + version.getVersion()
              + " returned "
              + p.length
              + "x"
              + (p.length == 0 ? 0 : p[0].length)
              + " scores for "
              + rows
              + " texts and "
              + labels
              + " labels");
    }
  }

  static int argMax(float[] row) {
    int best = 0;
    for (int k = 1; k < row.length; k++) {
      if (row[k] > row[best]) {
        best = k;
      }
    }
    return best;
  }

  private static List<Float> boxed(float[] vector) {
    List<Float> out = new ArrayList<>(vector.length);
    for (float v : vector) {
      out.add(v);
    }
    return out;
  }
}
