package dev.sieve.tools.eval;

import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.TextTable;
import dev.sieve.learning.candidates.CandidateRetraining;
import dev.sieve.learning.candidates.CandidateSelection;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.UncertaintyMeasure;
import dev.sieve.learning.training.Metrics;
import dev.sieve.model.EmbeddingModel;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve eval-al}: does active learning need fewer labels than random selection? Replays a
 * labelled dataset's train split through the active-learning job's own selection code with an
 * oracle labeler and the retrain job's own candidate selection (see {@link AlReplay} and {@link
 * CandidateLearner}), for each strategy and seed, and scores every retrained head on the test
 * split. Writes the learning curves as CSV and a PNG chart; progress goes to stderr; stdout ends
 * with one parseable {@code AL} line per strategy.
 */
@Command(
    name = "eval-al",
    mixinStandardHelpOptions = true,
    description = {
      "Compare active learning with random selection on a labelled JSONL dataset (id, text,"
          + " label, split=train|test): test macro-F1 against the number of labels.",
      "Ends with one line per strategy: AL dataset=<name> strategy=<name>"
          + " labels_to_95pct=<n|not-reached> final_macro_f1=<f>"
    })
public final class EvalAlCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "The JSONL file.")
  Path dataset;

  @Option(
      names = "--strategies",
      split = ",",
      defaultValue = "active,margin,random",
      description =
          "Strategies to compare, each on the same seeds: active (the job's default), margin,"
              + " balance, density (balance:<clusters>:<weight> to try other settings), random,"
              + " margin-only; margin:<setting>=<n>:... and active:... change random (share),"
              + " jitter, boost, cold (default: ${DEFAULT-VALUE}).")
  List<String> strategies;

  @Option(
      names = "--seeds",
      defaultValue = "10",
      description =
          "Seeds per strategy (default: ${DEFAULT-VALUE}; with 3, labels_to_95pct of two"
              + " strategies changed order between seed sets on tweeteval_emotion).")
  int seeds;

  @Option(
      names = "--first-seed",
      defaultValue = "1",
      description =
          "The first seed (default: ${DEFAULT-VALUE}): seeds first..first+seeds-1, e.g. 11 to check"
              + " on fresh seeds a choice made on seeds 1-10.")
  long firstSeed;

  @Option(
      names = "--step",
      defaultValue = "20",
      description = "Labels between two retrainings (default: ${DEFAULT-VALUE}).")
  int step;

  @Option(
      names = "--seed-labels",
      defaultValue = "0",
      description =
          "Start from this many random labels (default: ${DEFAULT-VALUE}: start from the zero-shot"
              + " version 0 and the selector's cold-start coverage, as the job does).")
  int seedLabels;

  @Option(
      names = "--max-labels",
      defaultValue = "1000",
      description =
          "Stop at this many labels, or the train split's size (default: ${DEFAULT-VALUE}).")
  int maxLabels;

  @Option(
      names = "--budget",
      description =
          "Share of the replayed stream each strategy may ask about (default: the job's, 0.05).")
  Double budget;

  @Option(
      names = "--measure",
      description = "active: uncertainty measure (default: the job's, margin).")
  UncertaintyMeasure measure;

  @Option(names = "--window", description = "active: priorities the threshold is taken from.")
  Integer window;

  @Option(names = "--rare-class-boost", description = "active: rare-class boost.")
  Double rareClassBoost;

  @Option(
      names = "--cold-start-labels",
      description = "active: labels per class before uncertainty.")
  Integer coldStartLabels;

  @Option(names = "--random-share", description = "active: share of the budget asked at random.")
  Double randomShare;

  @Option(
      names = "--duplicate-similarity",
      description =
          "Cosine similarity from which a text is a near-duplicate (active and margin-only;"
              + " random asks ignore it by design).")
  Double duplicateSimilarity;

  @Option(
      names = "--embedding",
      defaultValue = "all-minilm-l6-v2-q",
      description =
          "The inference job's network: version 0 and the selector's near-duplicate memory read"
              + " it (default: ${DEFAULT-VALUE}).")
  String embedding;

  @Option(
      names = "--learner",
      defaultValue = "candidates",
      description =
          "candidates: retrain as retrain-trigger does (lexical, each network and both, times the"
              + " C grid, chosen by cross-validation); head-trainer: the SGD head on --embedding"
              + " alone, the learner of earlier measurements (default: ${DEFAULT-VALUE}).")
  String learner;

  @Option(
      names = "--publish",
      defaultValue = "margin",
      description =
          "margin: adopt a retraining only when retrain-trigger would publish it (on the labels"
              + " given since the serving version was trained, its out-of-fold macro-F1 beats that"
              + " version's by the job's margin, 0.01); always: adopt every retraining (default:"
              + " ${DEFAULT-VALUE}).")
  String publish;

  @Option(
      names = "--networks",
      split = ",",
      description =
          "candidates: the candidate networks (default: retrain-trigger's, "
              + "all-minilm-l6-v2-q,e5-small-v2-q,e5-small-v2-q+query).")
  List<String> networks;

  @Option(
      names = "--cache-dir",
      defaultValue = "target/embeddings",
      description = "Keep embeddings here between runs (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  @Option(
      names = "--out-dir",
      description = "Where the CSV and chart go (default: target/eval-al/<dataset>).")
  Path outDir;

  @Override
  public Integer call() {
    return ClientCommand.reportingFailures(spec, (out, err) -> run(out, System.err));
  }

  private int run(PrintWriter out, PrintStream progress) throws Exception {
    if (seeds < 1 || firstSeed < 1 || step < 1 || maxLabels < 1 || seedLabels < 0) {
      throw new IllegalArgumentException(
          "--seeds, --first-seed, --step and --max-labels must be >= 1 and --seed-labels >= 0");
    }
    SelectionConfig active = activeConfig();
    List<AlStrategy> chosen = new ArrayList<>();
    for (String name : new LinkedHashSet<>(strategies)) {
      chosen.add(AlStrategy.named(name.trim(), active));
    }
    long start = System.nanoTime();
    boolean selection =
        switch (learner) {
          case "candidates" -> true;
          case "head-trainer" -> false;
          default ->
              throw new IllegalArgumentException(
                  "--learner: '" + learner + "' is neither candidates nor head-trainer");
        };
    boolean publishRule =
        switch (publish) {
          case "margin" -> true;
          case "always" -> false;
          default ->
              throw new IllegalArgumentException(
                  "--publish: '" + publish + "' is neither margin nor always");
        };
    List<EmbeddingModel> candidates =
        selection
            ? (networks != null ? networks : CandidateRetraining.DEFAULT_NETWORKS)
                .stream().map(String::trim).map(EmbeddingModel::byId).toList()
            : List.of();
    AlDataset data =
        AlDataset.load(dataset, EmbeddingModel.byId(embedding), candidates, cacheDir, progress);
    int cap = Math.min(maxLabels, data.trainSize());
    AlLearner training =
        selection
            ? new CandidateLearner(data, CandidateSelection.Settings.defaults())
            : new HeadTrainerLearner(data);

    progress.printf(
        Locale.ROOT, "training on the whole train split (%d texts)%n", data.trainSize());
    AlLearner.Trained full =
        training
            .train(IntStream.range(0, data.trainSize()).toArray())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        dataset + ": every class needs at least 5 train rows"));
    double fullF1 = Metrics.of(data.labels(), data.testY(), full.testPredicted()).macroF1();
    double target = 0.95 * fullF1;
    progress.printf(
        Locale.ROOT,
        "%s: full-data macro-F1 %.4f (%s), target %.4f; zero-shot version 0: %.4f; active config"
            + " %s%n",
        data.name(),
        fullF1,
        full.chosen(),
        target,
        Metrics.of(data.labels(), data.testY(), data.zeroShotTest()).macroF1(),
        active);

    AlReplay replay =
        new AlReplay(
            data, training, new AlReplay.Plan(step, seedLabels, cap, publishRule), progress);
    List<LearningCurve> curves = new ArrayList<>();
    List<CurveSummary> summaries = new ArrayList<>();
    List<List<LearningCurve>> byStrategy = new ArrayList<>();
    List<Double> wallSeconds = new ArrayList<>();
    for (AlStrategy strategy : chosen) {
      long t0 = System.nanoTime();
      List<LearningCurve> mine = new ArrayList<>();
      for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
        mine.add(replay.run(strategy, seed));
      }
      wallSeconds.add((System.nanoTime() - t0) / 1e9);
      curves.addAll(mine);
      byStrategy.add(mine);
      summaries.add(CurveSummary.of(strategy.name(), mine, target));
    }

    Path dir = outDir != null ? outDir : Path.of("target", "eval-al", data.name());
    Files.createDirectories(dir);
    CurveSummary.writeCsv(dir.resolve("curves.csv"), curves);
    CurveChart.writePng(dir.resolve("chart.png"), data.name(), summaries, fullF1);

    out.printf(
        Locale.ROOT,
        "dataset %s (%s; learner %s%s; publish %s): %d train, %d test, classes %s; %d seed(s) (%d-%d), a"
            + " retraining every %d labels, up to %d labels, budget %.3f of the stream%n",
        data.name(),
        embedding,
        learner,
        candidates.isEmpty()
            ? ""
            : " over lexical and " + candidates.stream().map(EmbeddingModel::id).toList(),
        publish,
        data.trainSize(),
        data.testY().length,
        data.labels(),
        seeds,
        firstSeed,
        firstSeed + seeds - 1,
        step,
        cap,
        active.budgetFraction());
    out.printf(
        Locale.ROOT,
        "full-data macro-F1 %.4f (%s, trained on the whole train split); 95 %% of it: %.4f%n",
        fullF1,
        full.chosen(),
        target);
    TextTable table =
        new TextTable(
            List.of(
                "strategy",
                "labels_to_95pct",
                "vs_random",
                "vs_random_90pct",
                "per_seed_median_[range]",
                "final_macro_f1",
                "mean_macro_f1",
                "mean_vs_random_90pct",
                "seeds_at_95pct",
                "wall_s"),
            false,
            true,
            true,
            true,
            true,
            true,
            true,
            true,
            true,
            true);
    int randomIndex =
        IntStream.range(0, summaries.size())
            .filter(s -> summaries.get(s).strategy().equals("random"))
            .findFirst()
            .orElse(-1);
    CurveSummary random = randomIndex < 0 ? null : summaries.get(randomIndex);
    for (int s = 0; s < summaries.size(); s++) {
      CurveSummary summary = summaries.get(s);
      table.row(
          summary.strategy(),
          summary.labelsToTargetText(),
          summary.ratioText(random),
          randomIndex < 0
              ? "-"
              : SeedBootstrap.ratioInterval(byStrategy.get(s), byStrategy.get(randomIndex), target),
          summary.perSeedText(),
          String.format(Locale.ROOT, "%.4f", summary.finalMacroF1()),
          String.format(Locale.ROOT, "%.4f", summary.meanMacroF1()),
          randomIndex < 0
              ? "-"
              : SeedBootstrap.meanDifferenceInterval(
                  byStrategy.get(s), byStrategy.get(randomIndex)),
          summary.seedsReachingTarget() + "/" + summary.seeds(),
          String.format(Locale.ROOT, "%.1f", wallSeconds.get(s)));
    }
    out.print(table.render(""));
    out.printf(
        Locale.ROOT,
        "wrote %s and %s; %.1f s in all%n",
        dir.resolve("curves.csv"),
        dir.resolve("chart.png"),
        (System.nanoTime() - start) / 1e9);
    for (CurveSummary summary : summaries) {
      out.println(summary.alLine(data.name()));
    }
    return 0;
  }

  /** The job's defaults with the per-minute limit off (a replay has no clock) and any overrides. */
  SelectionConfig activeConfig() {
    SelectionConfig d = SelectionConfig.defaults();
    return new SelectionConfig(
        measure != null ? measure : d.measure(),
        budget != null ? budget : d.budgetFraction(),
        0,
        randomShare != null ? randomShare : d.randomShare(),
        duplicateSimilarity != null ? duplicateSimilarity : d.duplicateSimilarity(),
        rareClassBoost != null ? rareClassBoost : d.rareClassBoost(),
        coldStartLabels != null ? coldStartLabels : d.coldStartLabels(),
        window != null ? window : d.window(),
        d.driftBoostFactor(),
        d.driftBoostEvents(),
        d.seed(),
        d.diversity(),
        d.clusters(),
        d.diversityWeight(),
        d.uncertaintyJitter());
  }
}
