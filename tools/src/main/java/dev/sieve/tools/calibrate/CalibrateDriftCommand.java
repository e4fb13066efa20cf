package dev.sieve.tools.calibrate;

import dev.sieve.model.EmbeddingModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sieve calibrate-drift}: measures, on labelled datasets, the defaults of the
 * active-learning job's drift detectors and near-duplicate suppression, so that each default rests
 * on figures anyone can reproduce rather than on folklore ("PSI above 0.25 is a shift"). Progress
 * goes to stderr; tables and parseable {@code CALIBRATE} lines to stdout.
 */
@Command(
    name = "calibrate-drift",
    mixinStandardHelpOptions = true,
    description = {
      "Measure drift-detector and near-duplicate thresholds on labelled JSONL datasets:"
          + " stationary streams (false alarms), streams shifted to another dataset (detection),"
          + " and nearest-neighbour similarity against textual near-identity.",
      "Ends with CALIBRATE lines, e.g. CALIBRATE detector=confidence-psi reference=500"
          + " window=500 stationary_p99=<x> stationary_max=<x> shifted_min=<x> recommended=<x>"
    })
public final class CalibrateDriftCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--datasets",
      split = ",",
      required = true,
      description =
          "JSONL files (id, text, label, split), or folders of them; at least two, since a"
              + " shift is one dataset's texts replacing another's.")
  List<Path> datasets;

  @Option(
      names = "--reference",
      defaultValue = "500",
      description =
          "Reference size R: events after a model version starts (default: ${DEFAULT-VALUE}).")
  int reference;

  @Option(
      names = "--window",
      defaultValue = "500",
      description = "Window size W whose details are printed (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--windows",
      split = ",",
      defaultValue = "200,500,1000",
      description = "Window sizes for the sensitivity table (default: ${DEFAULT-VALUE}).")
  List<Integer> windows;

  @Option(
      names = "--trials",
      defaultValue = "200",
      description =
          "Shuffled streams per dataset, and trials per dataset pair and share; Page-Hinkley"
              + " runs ten times as many, being cheap (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(
      names = "--folds",
      defaultValue = "5",
      description = "Cross-fitted heads per dataset (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(
      names = "--cache-dir",
      description = "Keep embeddings in this directory between runs (shared with `sieve eval`).")
  Path cacheDir;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--skip-near-duplicates",
      description = "Skip the all-pairs near-duplicate scan (the slowest part).")
  boolean skipNearDuplicates;

  @Override
  public Integer call() throws Exception {
    validate();
    List<Path> files = resolveFiles();
    PrintStream out = System.out;
    PrintStream err = System.err;
    long start = System.nanoTime();
    List<ScoredDataset> data = new ArrayList<>();
    try (DatasetEmbeddings embedder =
        new DatasetEmbeddings(EmbeddingModel.DEFAULT, cacheDir, err)) {
      for (Path f : files) {
        data.add(ScoredDataset.load(f, embedder, folds, seed, err));
      }
    }
    out.printf(
        Locale.ROOT,
        "sieve calibrate-drift: %s embeddings, heads by HeadTrainer (default settings)"
            + " cross-fitted over %d folds, seed %d%n",
        EmbeddingModel.DEFAULT.id(),
        folds,
        seed);
    for (ScoredDataset d : data) {
      out.printf(
          Locale.ROOT,
          "  %s: %d texts, classes %s, out-of-fold error rate %.3f%n",
          d.name(),
          d.texts().length,
          d.classes(),
          d.errorRate());
    }

    List<String> lines = new ArrayList<>();
    lines.addAll(new DriftCalibration(data, reference, trials, seed, out).run(window, windows));
    lines.addAll(new ErrorRateCalibration(data, 10 * trials, seed, out).run());
    if (!skipNearDuplicates) {
      lines.addAll(new NearDuplicateCalibration(data, out).run());
    }
    out.println();
    lines.forEach(out::println);
    err.printf(Locale.ROOT, "calibrate-drift took %.0f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  private void validate() {
    if (reference < 10 || window < 10 || windows.stream().anyMatch(w -> w < 10)) {
      throw new ParameterException(
          spec.commandLine(), "--reference and window sizes must be >= 10");
    }
    if (trials < 1 || folds < 2) {
      throw new ParameterException(spec.commandLine(), "--trials must be >= 1 and --folds >= 2");
    }
  }

  private List<Path> resolveFiles() throws IOException {
    List<Path> given = datasets;
    List<Path> files = new ArrayList<>();
    for (Path p : given) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".jsonl")).sorted().forEach(files::add);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new ParameterException(spec.commandLine(), "no dataset file or folder at " + p);
      }
    }
    if (files.size() < 2) {
      throw new ParameterException(
          spec.commandLine(),
          "need at least two datasets (a shift replaces one dataset's texts with another's),"
              + " got "
              + files);
    }
    return files;
  }
}
