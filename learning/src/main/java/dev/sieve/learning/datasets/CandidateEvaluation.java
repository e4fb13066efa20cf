package dev.sieve.learning.datasets;

import ai.onnxruntime.OrtException;
import dev.sieve.learning.candidates.CandidateSelection;
import dev.sieve.learning.training.Metrics;
import dev.sieve.learning.training.OnnxHead;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code sieve eval}'s automatic choice: embeds a dataset with every candidate network, lets {@link
 * CandidateSelection} choose extractor and head by cross-validation on the train split alone, then
 * scores the test split with the chosen head's exported ONNX graph on the features the inference
 * job would compute. Prints the candidate table, the test metrics and one {@code EVAL} line naming
 * the chosen candidate.
 */
public final class CandidateEvaluation {

  /** The networks that are candidates: the int8 ones (fp32 MiniLM is the same network, slower). */
  public static final List<EmbeddingModel> NETWORKS =
      List.of(
          EmbeddingModel.MINILM_L6_V2_Q,
          EmbeddingModel.E5_SMALL_V2_Q,
          EmbeddingModel.E5_SMALL_V2_Q_QUERY);

  /** What the evaluation measured; {@code trainSeconds} is the selection and final training. */
  public record Report(
      String dataset,
      int nTrain,
      int nTest,
      String chosen,
      Metrics test,
      double trainSeconds,
      CandidateSelection.Outcome outcome) {

    public String evalLine() {
      return String.format(
          Locale.ROOT,
          "EVAL dataset=%s n_train=%d chosen=%s accuracy=%.4f macro_f1=%.4f train_s=%.2f",
          dataset,
          nTrain,
          chosen,
          test.accuracy(),
          test.macroF1(),
          trainSeconds);
    }
  }

  private CandidateEvaluation() {}

  public static Report run(
      Path file,
      List<EmbeddingModel> networks,
      CandidateSelection.Settings settings,
      int limitTrain,
      Path cacheDir,
      PrintStream out,
      PrintStream err)
      throws IOException, OrtException {
    LabelledTexts data = LabelledTexts.read(file);
    List<LabelledTexts.Row> train = new ArrayList<>(data.split("train"));
    List<LabelledTexts.Row> test = data.split("test");
    if (train.isEmpty() || test.isEmpty()) {
      throw new IllegalArgumentException(file + " needs rows with split=train and split=test");
    }
    if (limitTrain > 0 && limitTrain < train.size()) {
      Collections.shuffle(train, new Random(17));
      train = new ArrayList<>(train.subList(0, limitTrain));
    }
    int threads = Runtime.getRuntime().availableProcessors();
    Map<String, float[][]> trainX = new LinkedHashMap<>();
    Map<String, float[][]> testX = new LinkedHashMap<>();
    for (EmbeddingModel network : networks) {
      err.println("embedding " + data.name() + " with " + network.id());
      try (SentenceEmbedder embedder =
          SharedEmbedders.acquire(network, EmbedderOptions.defaults())) {
        trainX.put(
            network.id(),
            Evaluation.embedCached(embedder, data.name(), "train", train, threads, cacheDir, err));
        testX.put(
            network.id(),
            Evaluation.embedCached(embedder, data.name(), "test", test, threads, cacheDir, err));
      }
    }

    List<String> labelOrder =
        train.stream().map(LabelledTexts.Row::label).sorted().distinct().toList();
    CandidateSelection.Input input =
        new CandidateSelection.Input(
            train.stream().map(LabelledTexts.Row::text).toList(),
            train.stream().map(LabelledTexts.Row::label).toList(),
            labelOrder,
            trainX);
    err.printf(
        Locale.ROOT,
        "choosing among %d extractors x %d C values on %d train texts (%d-fold CV)%n",
        1 + 2 * networks.size(),
        settings.cGrid().size(),
        train.size(),
        settings.folds());
    CandidateSelection.Outcome outcome = new CandidateSelection(settings).select(input, err);

    List<String> labels = input.labelOrder();
    int[] truth = new int[test.size()];
    float[][] rows = new float[test.size()][];
    float[][] embeddings =
        outcome.embeddingModelId() == null ? null : testX.get(outcome.embeddingModelId());
    for (int i = 0; i < test.size(); i++) {
      truth[i] = labels.indexOf(test.get(i).label());
      if (truth[i] < 0) {
        throw new IllegalArgumentException(
            "test label '" + test.get(i).label() + "' is not in train");
      }
      rows[i] = outcome.row(test.get(i).text(), embeddings == null ? null : embeddings[i]);
    }
    int[] predicted;
    try (OnnxHead head = new OnnxHead(labels, outcome.onnx())) {
      predicted = head.predict(rows);
    }
    Metrics metrics = Metrics.of(labels, truth, predicted);
    Report report =
        new Report(
            data.name(),
            train.size(),
            test.size(),
            outcome.chosen().name(),
            metrics,
            outcome.trainingMs() / 1000.0,
            outcome);
    out.printf(
        Locale.ROOT,
        "dataset %s: %d train, %d test; candidates cross-validated on the train split (%d folds,"
            + " same folds for all; costs measured %s; min throughput %.0f events/s per core)%n",
        data.name(),
        train.size(),
        test.size(),
        outcome.folds(),
        settings.costs().measuredOn(),
        settings.minThroughput());
    out.print(outcome.render());
    out.printf(
        Locale.ROOT,
        "chosen %s (CV macro-F1 %.4f); on the test split:%n",
        outcome.chosen().name(),
        outcome.chosen().macroF1());
    out.println(metrics.table());
    out.println(report.evalLine());
    return report;
  }
}
