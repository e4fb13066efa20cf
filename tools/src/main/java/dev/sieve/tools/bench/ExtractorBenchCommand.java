package dev.sieve.tools.bench;

import dev.sieve.learning.candidates.LexicalVocabulary;
import dev.sieve.learning.datasets.CandidateEvaluation;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ExtractorCosts;
import dev.sieve.model.LexicalFeaturiser;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve bench extractors}: what each candidate feature extractor costs, in events per second
 * on one core — one text per call on one thread, as the inference job runs an extractor (sub-batch
 * 1, one ONNX Runtime thread). Prints a table and the lines of {@code extractor-costs.properties}
 * ({@code model/}), which candidate selection reads to apply {@code --min-throughput}.
 */
@Command(
    name = "extractors",
    mixinStandardHelpOptions = true,
    description = {
      "Measure events/s per core of each feature extractor (lexical and every candidate network),"
          + " one text per call on one thread.",
      "Prints a table and the lines of model/'s extractor-costs.properties."
    })
public final class ExtractorBenchCommand implements Callable<Integer> {

  @Option(
      names = "--datasets",
      required = true,
      description = "Folder of labelled .jsonl datasets whose texts are featurised.")
  Path datasets;

  @Option(
      names = "--texts",
      defaultValue = "1000",
      description = "Texts timed per extractor (default: ${DEFAULT-VALUE}).")
  int texts;

  @Option(
      names = "--out",
      description = "Also write the properties to this file (e.g. the resource in model/).")
  Path out;

  @Override
  public Integer call() throws Exception {
    List<String> sample = BenchTexts.load(datasets, texts);
    Map<String, Double> rates = new LinkedHashMap<>();
    LexicalFeaturiser lexical =
        LexicalVocabulary.fit(
            sample, LexicalVocabulary.DEFAULT_BUCKETS, LexicalVocabulary.DEFAULT_MIN_DF);
    rates.put(ExtractorCosts.LEXICAL, time(ExtractorCosts.LEXICAL, sample, lexical::features));
    for (EmbeddingModel network : CandidateEvaluation.NETWORKS) {
      try (SentenceEmbedder embedder =
          SharedEmbedders.acquire(network, EmbedderOptions.defaults())) {
        rates.put(network.id(), time(network.id(), sample, t -> embedder.embed(List.of(t))));
      }
    }
    String cpu = cpuName() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    StringBuilder props = new StringBuilder();
    props.append(
        "# Events per second on one core of each feature extractor, read by candidate selection\n"
            + "# (dev.sieve.model.ExtractorCosts): one text per call on one thread, per CPU second of\n"
            + "# that thread. Measured with\n"
            + "# ./sieve bench extractors --datasets <folder of labelled .jsonl datasets> --texts "
            + texts
            + "\n");
    props.append("measured=").append(LocalDate.now(ZoneOffset.UTC)).append('\n');
    props.append("cpu=").append(cpu).append('\n');
    System.out.printf(Locale.ROOT, "%-24s %14s%n", "EXTRACTOR", "EVENTS/S/CORE");
    for (var e : rates.entrySet()) {
      System.out.printf(Locale.ROOT, "%-24s %14.0f%n", e.getKey(), e.getValue());
      props.append(e.getKey()).append('=').append(Math.round(e.getValue())).append('\n');
    }
    System.out.println();
    System.out.print(props);
    if (out != null) {
      Files.writeString(out, props, StandardCharsets.UTF_8);
      System.err.println("wrote " + out);
    }
    return 0;
  }

  private interface Extractor {
    Object apply(String text) throws Exception;
  }

  /**
   * Warms up on a fifth of the texts, then runs every text one call at a time and divides by the
   * calling thread's CPU time: the extractor runs on that thread alone (ONNX Runtime with one
   * intra-op thread computes on the caller), so this is events/s per core even on a machine other
   * work keeps busy; the wall-clock rate is printed beside it.
   */
  private static double time(String name, List<String> sample, Extractor extractor)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Object> sink = new ArrayList<>(1);
    for (String t : sample.subList(0, Math.max(1, sample.size() / 5))) {
      sink.add(extractor.apply(t));
      sink.clear();
    }
    long wall = System.nanoTime();
    long cpu = threads.getCurrentThreadCpuTime();
    for (String t : sample) {
      sink.add(extractor.apply(t));
      sink.clear();
    }
    double perCpuSecond = sample.size() / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9);
    double perWallSecond = sample.size() / ((System.nanoTime() - wall) / 1e9);
    System.err.printf(
        Locale.ROOT,
        "%s: %.0f events per CPU second of one thread (%.0f per wall-clock second)%n",
        name,
        perCpuSecond,
        perWallSecond);
    return perCpuSecond;
  }

  private static String cpuName() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      // not Linux: fall back to the JVM's view
    }
    return System.getProperty("os.arch");
  }
}
