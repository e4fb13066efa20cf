package dev.sieve.tools.eval;

import dev.sieve.learning.candidates.CandidateSelection;
import dev.sieve.learning.datasets.CandidateEvaluation;
import dev.sieve.learning.datasets.Evaluation;
import dev.sieve.model.EmbeddingModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve eval}: chooses a feature extractor and head on a labelled JSONL dataset's train
 * split by cross-validation (every candidate on the same folds, under a throughput budget), trains
 * it and reports on the test split, with the same embedding networks and ONNX runtime as the
 * running jobs. {@code --embedding} instead forces one network and the retrain job's trainer.
 * Progress goes to stderr; the report, ending with a parseable {@code EVAL} line, to stdout.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate on a labelled JSONL dataset (id, text, label, split=train|test): choose the"
          + " feature extractor and head by cross-validation on the train split, score the test"
          + " split.",
      "Prints the candidate table, then ends with: EVAL dataset=<name> n_train=<n>"
          + " chosen=<extractor/head> accuracy=<a> macro_f1=<f> train_s=<t>"
    })
public final class EvalCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, description = "The JSONL file.")
  Path dataset;

  @Option(
      names = "--candidates",
      description =
          "Choose among every candidate and print their table (what eval does without"
              + " --embedding; the flag only says so).")
  boolean candidates;

  @Option(
      names = "--min-throughput",
      defaultValue = "0",
      description =
          "Only choose extractors that sustain this many events/s per core, as measured by"
              + " 'sieve bench extractors' (0 = no budget; default: ${DEFAULT-VALUE}).")
  double minThroughput;

  @Option(
      names = "--embedding",
      description =
          "Skip the choice: train the retrain job's head on this embedding network"
              + " (all-minilm-l6-v2-q, e5-small-v2-q, e5-small-v2-q+query, all-minilm-l6-v2, and the"
              + " per-token int8 ones: all-minilm-l6-v2-q-row, e5-small-v2-q-row,"
              + " e5-small-v2-q-row+query).")
  String embedding;

  @Option(
      names = "--limit-train",
      defaultValue = "0",
      description = "Train on a seeded random sample of this many train rows (0 = all).")
  int limitTrain;

  @Option(
      names = "--cache-dir",
      description = "Keep embeddings in this directory between runs (default: embed every time).")
  Path cacheDir;

  @Override
  public Integer call() throws Exception {
    if (limitTrain < 0) {
      throw new IllegalArgumentException("--limit-train must be >= 0 (0: every train row)");
    }
    if (minThroughput < 0) {
      throw new IllegalArgumentException("--min-throughput must be >= 0 (0: no budget)");
    }
    if (embedding != null) {
      if (candidates) {
        throw new IllegalArgumentException("--candidates and --embedding exclude each other");
      }
      Evaluation.run(
          dataset, EmbeddingModel.byId(embedding), limitTrain, cacheDir, System.out, System.err);
      return 0;
    }
    CandidateEvaluation.run(
        dataset,
        CandidateEvaluation.NETWORKS,
        CandidateSelection.Settings.defaults().withMinThroughput(minThroughput),
        limitTrain,
        cacheDir,
        System.out,
        System.err);
    return 0;
  }
}
