package dev.sieve.tools.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.OnnxRuntimeEnvironment;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The yardstick for the inference job: the embedding network alone, on ONNX Runtime's own Java API
 * (no DJL, no Flink, no Kafka), tokenised by the same tokenizer, mean-pooled, on {@code sessions}
 * threads with one session and one intra-op thread each. Texts are either fed one at a time or in
 * sub-batches of similar token length (sorted by length, cut, batch order shuffled):
 * docs/architecture.md: arrival-order batching is slower than batch 1, so the honest comparison is
 * against the best of these.
 */
public final class RawOrtThroughput {

  private final EmbeddingModel model;
  private final int maxLength;
  private final int sessions;

  public RawOrtThroughput(EmbeddingModel model, int maxLength, int sessions) {
    this.model = model;
    this.maxLength = maxLength;
    this.sessions = sessions;
  }

  /** Sentences per second over {@code texts}, with sub-batches of at most {@code batch}. */
  public double sentencesPerSecond(List<String> texts, int batch) throws Exception {
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    List<List<String>> shares = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < texts.size(); i++) {
      shares.get(i % sessions).add(texts.get(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    try {
      List<Worker> workers = new ArrayList<>();
      for (List<String> share : shares) {
        workers.add(new Worker(env, share, batch));
      }
      for (Worker w : workers) {
        w.prepare();
      }
      long start = System.nanoTime();
      List<Future<Integer>> done = new ArrayList<>();
      for (Worker w : workers) {
        done.add(pool.submit(w::run));
      }
      int n = 0;
      for (Future<Integer> f : done) {
        n += f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (Worker w : workers) {
        w.close();
      }
      return n / seconds;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One session and its share of the texts, tokenised before the clock starts. */
  private final class Worker implements AutoCloseable {
    private final OrtEnvironment env;
    private final List<String> texts;
    private final int batch;
    private OrtSession session;
    private OrtSession.SessionOptions options;
    private boolean typeIds;
    private final List<Encoding[]> batches = new ArrayList<>();

    Worker(OrtEnvironment env, List<String> texts, int batch) {
      this.env = env;
      this.texts = texts;
      this.batch = batch;
    }

    void prepare() throws Exception {
      options = OnnxRuntimeEnvironment.sessionOptions(1);
      session = env.createSession(model.onnxFile().toString(), options);
      typeIds = session.getInputNames().contains("token_type_ids");
      List<Encoding> encodings = new ArrayList<>();
      try (HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(model.tokenizerFile())
              .optMaxLength(maxLength)
              .optTruncation(true)
              .optPadding(false)
              .build()) {
        for (String text : texts) {
          encodings.add(tokenizer.encode(text));
        }
      }
      if (batch > 1) {
        encodings.sort(Comparator.comparingInt(e -> e.getIds().length));
      }
      for (int i = 0; i < encodings.size(); i += batch) {
        batches.add(
            encodings.subList(i, Math.min(i + batch, encodings.size())).toArray(Encoding[]::new));
      }
      Collections.shuffle(batches, new Random(42));
    }

    int run() throws OrtException {
      int n = 0;
      for (Encoding[] b : batches) {
        float[][] pooled = embed(b);
        n += pooled.length;
      }
      return n;
    }

    private float[][] embed(Encoding[] b) throws OrtException {
      int longest = 0;
      for (Encoding e : b) {
        longest = Math.max(longest, e.getIds().length);
      }
      long[] ids = new long[b.length * longest];
      long[] mask = new long[b.length * longest];
      for (int r = 0; r < b.length; r++) {
        long[] row = b[r].getIds();
        System.arraycopy(row, 0, ids, r * longest, row.length);
        for (int c = 0; c < row.length; c++) {
          mask[r * longest + c] = 1;
        }
      }
      long[] shape = {b.length, longest};
      try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
          OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
          OnnxTensor typesT =
              OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape)) {
        var inputs =
            typeIds
                ? Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT)
                : Map.of("input_ids", idsT, "attention_mask", maskT);
        try (OrtSession.Result result = session.run(inputs)) {
          float[][][] hidden = (float[][][]) result.get(0).getValue();
          float[][] pooled = new float[b.length][];
          for (int r = 0; r < b.length; r++) {
            int tokens = b[r].getIds().length;
            float[] sum = new float[hidden[r][0].length];
            for (int t = 0; t < tokens; t++) {
              for (int d = 0; d < sum.length; d++) {
                sum[d] += hidden[r][t][d];
              }
            }
            for (int d = 0; d < sum.length; d++) {
              sum[d] /= tokens; // mean pooling, as the job does (L2 norm is a rounding error)
            }
            pooled[r] = sum;
          }
          return pooled;
        }
      }
    }

    @Override
    public void close() throws OrtException {
      session.close();
      options.close();
    }
  }
}
