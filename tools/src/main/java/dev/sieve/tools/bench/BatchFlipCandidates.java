package dev.sieve.tools.bench;

import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.OnnxSentenceEmbedder;
import dev.sieve.model.ZeroShotHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Candidate ways of batching the embedding, against one text per network call: for each, the share
 * of zero-shot labels that batching changes on each dataset (the test split's first texts; labels
 * and "This text is <label>." descriptions from the dataset), and its throughput relative to the
 * job's default (int8, one text per call). One caller thread, one intra-op thread, micro-batches of
 * {@link #MICRO_BATCH} in file order, configurations interleaved round by round (best round), so
 * load elsewhere on a shared machine slows every configuration alike.
 *
 * <ul>
 *   <li>{@code int8-default}: the job's default, int8, each micro-batch handed to the embedder
 *       whole, which runs it one text per call (sub-batch 1);
 *   <li>{@code int8-sub8}: int8, sub-batches of up to 8 texts of similar token length;
 *   <li>{@code int8-equal-length}: int8, only texts of exactly the same token count in one call (no
 *       padding at all), up to 8;
 *   <li>{@code fp32-sub8}: the fp32 network, sub-batches of up to 8 by length; its flips are
 *       against fp32 one text at a time (a head is made for one network, so that is what batching
 *       changes), its throughput against the int8 default;
 *   <li>{@code int8-row-sub8}: the int8 network with activations quantised per token ({@code
 *       all-minilm-l6-v2-q-row}), sub-batches of up to 8 by length (what {@code --max-sub-batch
 *       auto} runs on it); flips against the same network one text at a time; {@code
 *       int8-row-sub8-mb256} the same in micro-batches of 256.
 * </ul>
 */
public final class BatchFlipCandidates {

  public static final int MICRO_BATCH = 32;

  /**
   * The job's default: int8, micro-batches handed to the embedder whole, which runs them one text
   * per network call (sub-batch 1); its flips are against each text embedded in a call of its own.
   */
  public static final String DEFAULT = "int8-default";

  private static final int SUB_BATCH = 8;
  private static final int LARGE_MICRO_BATCH = 256;
  private static final int ROUNDS = 3; // the first also gives the labels, and warms up

  /** One candidate's figures: flips per dataset (count, of how many) and relative throughput. */
  public record Candidate(
      String name, Map<String, int[]> flips, double perSecond, double vsDefault) {

    /** The worst dataset's flip rate, in percent. */
    public double maxFlipPercent() {
      return flips.values().stream().mapToDouble(f -> 100.0 * f[0] / f[1]).max().orElse(0);
    }
  }

  /** What every candidate is measured against. */
  public record Result(double defaultPerSecond, List<Candidate> candidates) {}

  private BatchFlipCandidates() {}

  /** Measures on up to {@code perDataset} test texts of every {@code .jsonl} in {@code folder}. */
  public static Result measure(Path folder, int perDataset) throws Exception {
    Map<String, List<String>> texts = new TreeMap<>();
    Map<String, List<String>> labels = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        List<LabelledText> rows = LabelledText.read(file);
        List<String> test =
            rows.stream()
                .filter(r -> r.split().equals("test"))
                .map(LabelledText::text)
                .limit(perDataset)
                .toList();
        if (!test.isEmpty()) {
          String name = file.getFileName().toString().replace(".jsonl", "");
          texts.put(name, test);
          labels.put(name, rows.stream().map(LabelledText::label).distinct().sorted().toList());
        }
      }
    }
    EmbedderOptions one = EmbedderOptions.defaults().withMaxSubBatch(1);
    EmbedderOptions eight = EmbedderOptions.defaults().withMaxSubBatch(SUB_BATCH);
    try (OnnxSentenceEmbedder int8One = OnnxSentenceEmbedder.load(EmbeddingModel.DEFAULT, one);
        OnnxSentenceEmbedder int8Eight = OnnxSentenceEmbedder.load(EmbeddingModel.DEFAULT, eight);
        OnnxSentenceEmbedder fp32One = OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2, one);
        OnnxSentenceEmbedder fp32Eight =
            OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2, eight);
        OnnxSentenceEmbedder rowOne =
            OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q_ROW, one);
        OnnxSentenceEmbedder rowEight =
            OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q_ROW, eight)) {
      Map<String, Way> ways = new LinkedHashMap<>();
      ways.put("int8-alone", new Way(int8One, Mode.ALONE, null));
      ways.put(DEFAULT, new Way(int8One, Mode.BATCHED, "int8-alone"));
      ways.put("int8-sub8", new Way(int8Eight, Mode.BATCHED, "int8-alone"));
      ways.put("int8-equal-length", new Way(int8Eight, Mode.EQUAL_LENGTH, "int8-alone"));
      ways.put("fp32-alone", new Way(fp32One, Mode.ALONE, null));
      ways.put("fp32-sub8", new Way(fp32Eight, Mode.BATCHED, "fp32-alone"));
      ways.put("int8-row-alone", new Way(rowOne, Mode.ALONE, null));
      ways.put("int8-row-sub8", new Way(rowEight, Mode.BATCHED, "int8-row-alone"));
      // The same at the micro-batches a backlog brings (--batch-max-size 256), where bucketing by
      // length finds more texts of similar length, and batching pays.
      ways.put(
          "int8-row-sub8-mb256",
          new Way(rowEight, Mode.BATCHED, "int8-row-alone", LARGE_MICRO_BATCH));

      Map<String, Map<String, float[][]>> embeddings = new LinkedHashMap<>();
      Map<String, Double> best = new LinkedHashMap<>();
      int total = texts.values().stream().mapToInt(List::size).sum();
      for (int round = 0; round < ROUNDS; round++) {
        for (Map.Entry<String, Way> w : ways.entrySet()) {
          long t0 = System.nanoTime();
          Map<String, float[][]> out = new LinkedHashMap<>();
          texts.forEach((dataset, t) -> out.put(dataset, w.getValue().embed(t)));
          double rate = total / ((System.nanoTime() - t0) / 1e9);
          if (round == 0) {
            embeddings.put(w.getKey(), out);
          } else {
            best.merge(w.getKey(), rate, Math::max);
          }
        }
      }

      double base = best.get(DEFAULT);
      List<Candidate> candidates = new ArrayList<>();
      for (Map.Entry<String, Way> w : ways.entrySet()) {
        Map<String, int[]> flips = new LinkedHashMap<>();
        String reference = w.getValue().reference();
        if (reference != null) {
          OnnxSentenceEmbedder network = w.getValue().embedder();
          for (String dataset : texts.keySet()) {
            flips.put(
                dataset,
                flips(
                    network,
                    labels.get(dataset),
                    embeddings.get(reference).get(dataset),
                    embeddings.get(w.getKey()).get(dataset)));
          }
        }
        double rate = best.get(w.getKey());
        candidates.add(new Candidate(w.getKey(), flips, rate, rate / base));
      }
      return new Result(base, candidates);
    }
  }

  /** Labels that differ between the two embeddings of the same texts, and how many texts. */
  private static int[] flips(
      OnnxSentenceEmbedder network, List<String> labels, float[][] alone, float[][] batched)
      throws Exception {
    List<String> descriptions =
        labels.stream().map(l -> "This text is " + l.replace('-', ' ') + ".").toList();
    try (HeadRunner head =
        new HeadRunner(
            ZeroShotHead.build(network, labels, descriptions, ZeroShotHead.DEFAULT_TEMPERATURE))) {
      float[][] a = head.predict(alone);
      float[][] b = head.predict(batched);
      int flips = 0;
      for (int i = 0; i < a.length; i++) {
        flips += argMax(a[i]) != argMax(b[i]) ? 1 : 0;
      }
      return new int[] {flips, a.length};
    }
  }

  private static int argMax(float[] row) {
    int best = 0;
    for (int k = 1; k < row.length; k++) {
      if (row[k] > row[best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * How texts reach the network: each in its own {@code embed} call, in micro-batches of {@link
   * #MICRO_BATCH} (the embedder cuts them into its sub-batches), or micro-batches whose texts share
   * a call only at exactly equal token counts.
   */
  private enum Mode {
    ALONE,
    BATCHED,
    EQUAL_LENGTH
  }

  /** One way of embedding micro-batches, and the way whose labels it is compared with. */
  private record Way(OnnxSentenceEmbedder embedder, Mode mode, String reference, int microBatch) {

    Way(OnnxSentenceEmbedder embedder, Mode mode, String reference) {
      this(embedder, mode, reference, MICRO_BATCH);
    }

    float[][] embed(List<String> texts) {
      float[][] out = new float[texts.size()][];
      if (mode == Mode.ALONE) {
        for (int i = 0; i < texts.size(); i++) {
          out[i] = embedder.embed(List.of(texts.get(i)))[0];
        }
        return out;
      }
      for (int start = 0; start < texts.size(); start += microBatch) {
        List<String> micro = texts.subList(start, Math.min(texts.size(), start + microBatch));
        if (mode == Mode.BATCHED) {
          float[][] rows = embedder.embed(micro);
          System.arraycopy(rows, 0, out, start, rows.length);
          continue;
        }
        Map<Integer, List<Integer>> byLength = new TreeMap<>();
        for (int i = 0; i < micro.size(); i++) {
          byLength
              .computeIfAbsent(embedder.tokenCount(micro.get(i)), k -> new ArrayList<>())
              .add(start + i);
        }
        for (List<Integer> group : byLength.values()) {
          float[][] rows = embedder.embed(group.stream().map(i -> texts.get(i)).toList());
          for (int r = 0; r < rows.length; r++) {
            out[group.get(r)] = rows[r];
          }
        }
      }
      return out;
    }
  }
}
