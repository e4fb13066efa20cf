package dev.sieve.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Embeddings per second of the DJL path (the reference kept in the tests) against the production
 * embedder that calls ONNX Runtime directly, one text per call as the inference job embeds, on the
 * same texts in one JVM, on one thread; the two take turns every 50 texts so that noise from a
 * shared machine hits both. Also times tokenisation alone ({@code encode().getIds()} against the
 * ids-only native call). A measurement, not a test:
 *
 * <pre>
 * java -cp model/target/test-classes:model/target/classes:&lt;test classpath&gt; \
 *   dev.sieve.model.EmbedderMicroBench <labelled .jsonl dataset> 2000 3
 * </pre>
 */
public final class EmbedderMicroBench {

  private EmbedderMicroBench() {}

  public static void main(String[] args) throws Exception {
    Path dataset = Path.of(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<String> texts = read(dataset, count);
    EmbeddingModel model = EmbeddingModel.DEFAULT;
    EmbedderOptions options = EmbedderOptions.defaults();
    try (DjlSentenceEmbedder djl = DjlSentenceEmbedder.load(model, options);
        OnnxSentenceEmbedder ort = OnnxSentenceEmbedder.load(model, options);
        HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(model.tokenizerFile())
                .optMaxLength(options.maxLength())
                .optTruncation(true)
                .optPadding(false)
                .build()) {
      // warm-up: JIT and ONNX Runtime's first calls
      embedAll(djl, texts.subList(0, Math.min(200, texts.size())));
      embedAll(ort, texts.subList(0, Math.min(200, texts.size())));
      for (int round = 1; round <= rounds; round++) {
        // Chunks of 50 texts, the two paths taking turns (and turns about who goes first), so a
        // burst of load from elsewhere on the machine hits both alike.
        long djlNanos = 0;
        long ortNanos = 0;
        for (int from = 0, chunk = 0; from < texts.size(); from += 50, chunk++) {
          List<String> part = texts.subList(from, Math.min(texts.size(), from + 50));
          if (chunk % 2 == 0) {
            djlNanos += embedAll(djl, part);
            ortNanos += embedAll(ort, part);
          } else {
            ortNanos += embedAll(ort, part);
            djlNanos += embedAll(djl, part);
          }
        }
        double d = texts.size() / (djlNanos / 1e9);
        double o = texts.size() / (ortNanos / 1e9);
        System.out.printf(
            Locale.ROOT,
            "MICRO round=%d texts=%d djl_per_s=%.0f ort_per_s=%.0f ort_vs_djl=%.3f%n",
            round,
            texts.size(),
            d,
            o,
            o / d);
      }
      long sink = 0;
      long start = System.nanoTime();
      for (String t : texts) {
        sink += tokenizer.encode(t).getIds().length;
      }
      double encodeUs = (System.nanoTime() - start) / 1e3 / texts.size();
      start = System.nanoTime();
      for (String t : texts) {
        sink += ort.tokenCount(t);
      }
      double idsUs = (System.nanoTime() - start) / 1e3 / texts.size();
      System.out.printf(
          Locale.ROOT,
          "MICRO tokenize_encode_us=%.1f tokenize_ids_us=%.1f (%d)%n",
          encodeUs,
          idsUs,
          sink % 10);
    }
  }

  /** Nanoseconds to embed the texts one per call. */
  private static long embedAll(SentenceEmbedder embedder, List<String> texts) {
    long start = System.nanoTime();
    for (String t : texts) {
      embedder.embed(List.of(t));
    }
    return System.nanoTime() - start;
  }

  private static List<String> read(Path dataset, int count) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(dataset)) {
      String line;
      while ((line = in.readLine()) != null && texts.size() < count) {
        texts.add(json.readTree(line).get("text").asText());
      }
    }
    return texts;
  }
}
