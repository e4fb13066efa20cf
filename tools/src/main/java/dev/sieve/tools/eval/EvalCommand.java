package dev.sieve.tools.eval;

import dev.sieve.learning.datasets.Evaluation;
import dev.sieve.model.EmbeddingModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve eval}: trains a head on a labelled JSONL dataset's train split and reports on its
 * test split, with the same embedding network, trainer and ONNX runtime as the running jobs.
 * Progress goes to stderr; the report, ending with a parseable {@code EVAL} line, to stdout.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate the classifier on a labelled JSONL dataset (id, text, label,"
          + " split=train|test).",
      "Ends with: EVAL dataset=<name> n_train=<n> accuracy=<a> macro_f1=<f> train_s=<t>"
    })
public final class EvalCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, description = "The JSONL file.")
  Path dataset;

  @Option(
      names = "--embedding",
      defaultValue = "all-minilm-l6-v2-q",
      description = "Embedding network id (default: ${DEFAULT-VALUE}).")
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
    Evaluation.run(
        dataset, EmbeddingModel.byId(embedding), limitTrain, cacheDir, System.out, System.err);
    return 0;
  }
}
