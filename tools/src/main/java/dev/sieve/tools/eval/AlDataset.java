package dev.sieve.tools.eval;

import ai.onnxruntime.OrtException;
import dev.sieve.learning.datasets.Evaluation;
import dev.sieve.learning.datasets.LabelledTexts;
import dev.sieve.learning.training.OnnxHead;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.ZeroShotHead;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A labelled dataset made ready for the active-learning replay: both splits embedded by the real
 * networks (cached between runs), labels as indices, and the cold-start model a classifier starts
 * with in production — the zero-shot version 0 that {@code sieve classifier create} publishes when
 * no descriptions are given — already applied to both splits.
 *
 * <p>{@code trainX}/{@code testX} are the primary network's rows: what the inference job attaches
 * to each event, so what the selector's near-duplicate memory and version 0 read. {@code
 * trainByNetwork}/{@code testByNetwork} hold the rows of every candidate network the learner may
 * choose (the primary among them when it is a candidate).
 *
 * @param labels the classifier's classes, sorted by name (the order {@code classifier create
 *     --labels} would be given them in doesn't matter for a linear head)
 * @param zeroShotTrain version 0's class probabilities for each train row
 * @param zeroShotTest version 0's predicted class for each test row
 */
record AlDataset(
    String name,
    List<String> labels,
    List<String> trainIds,
    List<String> trainTexts,
    float[][] trainX,
    int[] trainY,
    List<String> testTexts,
    float[][] testX,
    int[] testY,
    Map<String, float[][]> trainByNetwork,
    Map<String, float[][]> testByNetwork,
    float[][] zeroShotTrain,
    int[] zeroShotTest) {

  int trainSize() {
    return trainY.length;
  }

  /**
   * Reads, embeds with {@code primary} and each of {@code networks} (through {@code cacheDir} when
   * given) and scores with the zero-shot head.
   */
  static AlDataset load(
      Path file,
      EmbeddingModel primary,
      List<EmbeddingModel> networks,
      Path cacheDir,
      PrintStream progress)
      throws IOException, OrtException {
    LabelledTexts data = LabelledTexts.read(file);
    List<LabelledTexts.Row> train = data.split("train");
    List<LabelledTexts.Row> test = data.split("test");
    if (train.isEmpty() || test.isEmpty()) {
      throw new IllegalArgumentException(file + " needs rows with split=train and split=test");
    }
    List<String> labels = train.stream().map(LabelledTexts.Row::label).distinct().sorted().toList();
    if (labels.size() < 2) {
      throw new IllegalArgumentException(file + ": the train split has fewer than two labels");
    }
    int threads = Runtime.getRuntime().availableProcessors();
    String name = data.name();
    Map<String, float[][]> trainByNetwork = new LinkedHashMap<>();
    Map<String, float[][]> testByNetwork = new LinkedHashMap<>();
    for (EmbeddingModel network : networks) {
      if (network.equals(primary)) {
        continue; // embedded below, with the zero-shot head
      }
      try (SentenceEmbedder embedder =
          SharedEmbedders.acquire(network, EmbedderOptions.defaults())) {
        trainByNetwork.put(
            network.id(),
            Evaluation.embedCached(embedder, name, "train", train, threads, cacheDir, progress));
        testByNetwork.put(
            network.id(),
            Evaluation.embedCached(embedder, name, "test", test, threads, cacheDir, progress));
      }
    }
    try (SentenceEmbedder embedder = SharedEmbedders.acquire(primary, EmbedderOptions.defaults())) {
      float[][] trainX =
          Evaluation.embedCached(embedder, name, "train", train, threads, cacheDir, progress);
      float[][] testX =
          Evaluation.embedCached(embedder, name, "test", test, threads, cacheDir, progress);
      if (networks.contains(primary)) {
        trainByNetwork = withFirst(primary.id(), trainX, trainByNetwork, networks);
        testByNetwork = withFirst(primary.id(), testX, testByNetwork, networks);
      }
      byte[] zeroShot =
          ZeroShotHead.build(embedder, labels, List.of(), ZeroShotHead.DEFAULT_TEMPERATURE);
      try (OnnxHead v0 = new OnnxHead(labels, zeroShot)) {
        return new AlDataset(
            name,
            labels,
            train.stream().map(LabelledTexts.Row::id).toList(),
            train.stream().map(LabelledTexts.Row::text).toList(),
            trainX,
            indices(labels, train, file),
            test.stream().map(LabelledTexts.Row::text).toList(),
            testX,
            indices(labels, test, file),
            trainByNetwork,
            testByNetwork,
            v0.probabilities(trainX),
            v0.predict(testX));
      }
    }
  }

  /** {@code rows} of every network in {@code order}, {@code id}'s being {@code primaryRows}. */
  private static Map<String, float[][]> withFirst(
      String id, float[][] primaryRows, Map<String, float[][]> rows, List<EmbeddingModel> order) {
    Map<String, float[][]> out = new LinkedHashMap<>();
    for (EmbeddingModel network : order) {
      out.put(network.id(), network.id().equals(id) ? primaryRows : rows.get(network.id()));
    }
    return out;
  }

  private static int[] indices(List<String> labels, List<LabelledTexts.Row> rows, Path file) {
    int[] y = new int[rows.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.indexOf(rows.get(i).label());
      if (y[i] < 0) {
        throw new IllegalArgumentException(
            file + ": test label '" + rows.get(i).label() + "' never occurs in the train split");
      }
    }
    return y;
  }
}
