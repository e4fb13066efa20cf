package dev.sieve.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder as it was before it called ONNX Runtime directly, kept in the tests as the reference
 * the production {@link OnnxSentenceEmbedder} must match (and for the micro-benchmark {@link
 * EmbedderMicroBench}). A {@link SentenceEmbedder} running a BERT-style ONNX network with DJL on
 * the OnnxRuntime engine, tokenised by DJL's HuggingFace tokenizer. One loaded network is shared by
 * all callers; DJL predictors are not thread-safe, so each concurrent caller borrows a worker (a
 * predictor and its own tokenizer) from a pool that grows to the number of concurrent callers and
 * no further. A batch is split into sub-batches of similar token length ({@link LengthBuckets});
 * rows come back in input order.
 */
public final class DjlSentenceEmbedder implements SentenceEmbedder {

  private static final Logger LOG = LoggerFactory.getLogger(DjlSentenceEmbedder.class);

  private final EmbeddingModel model;
  private final EmbedderOptions options;
  private final Path tokenizerFile;
  private final Model network;
  private final OrtSession.SessionOptions sessionOptions;
  private final boolean withTypeIds;
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final List<Worker> all = new ArrayList<>();
  private boolean closed;

  private DjlSentenceEmbedder(
      EmbeddingModel model,
      EmbedderOptions options,
      Path tokenizerFile,
      Model network,
      OrtSession.SessionOptions sessionOptions) {
    this.model = model;
    this.options = options;
    this.tokenizerFile = tokenizerFile;
    this.network = network;
    this.sessionOptions = sessionOptions;
    this.withTypeIds = network.getBlock().describeInput().keys().contains("token_type_ids");
  }

  /** Loads the network (a few hundred ms); prefer {@link SharedEmbedders} in long-lived JVMs. */
  public static DjlSentenceEmbedder load(EmbeddingModel model, EmbedderOptions options)
      throws IOException {
    long start = System.nanoTime();
    OnnxRuntimeEnvironment.get();
    Path onnx = model.onnxFile();
    Path tokenizer = model.tokenizerFile();
    OrtSession.SessionOptions sessionOptions;
    try {
      sessionOptions = OnnxRuntimeEnvironment.sessionOptions(options.intraOpThreads());
    } catch (OrtException e) {
      throw new IOException("cannot create ONNX Runtime session options", e);
    }
    Model network = Model.newInstance(model.id(), OnnxRuntimeEnvironment.ENGINE);
    try {
      // Our own SessionOptions object is the only way to turn spin-waiting off through DJL.
      network.load(onnx.getParent(), model.id(), Map.of("sessionOptions", sessionOptions));
      DjlSentenceEmbedder embedder =
          new DjlSentenceEmbedder(model, options, tokenizer, network, sessionOptions);
      embedder.release(embedder.newWorker()); // fail now, not on the first event
      LOG.info(
          "Loaded {} ({} intra-op threads, max {} tokens, sub-batches of {}) in {} ms",
          model.id(),
          options.intraOpThreads(),
          options.maxLength(),
          options.subBatchFor(model),
          (System.nanoTime() - start) / 1_000_000);
      return embedder;
    } catch (MalformedModelException | IOException | RuntimeException e) {
      network.close();
      sessionOptions.close();
      throw e instanceof IOException io ? io : new IOException("cannot load " + model.id(), e);
    }
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public String modelId() {
    return model.id();
  }

  @Override
  public String modelDigest() {
    return model.digest();
  }

  public EmbeddingModel model() {
    return model;
  }

  public EmbedderOptions options() {
    return options;
  }

  @Override
  public float[][] embed(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    Worker worker = borrow();
    try {
      Encoding[] encodings = new Encoding[texts.size()];
      int[] lengths = new int[texts.size()];
      for (int i = 0; i < encodings.length; i++) {
        String text = Objects.requireNonNull(texts.get(i), "text " + i + " is null");
        encodings[i] = worker.tokenizer.encode(text);
        lengths[i] = encodings[i].getIds().length;
      }
      float[][] out = new float[texts.size()][];
      for (int[] indices : LengthBuckets.split(lengths, options.subBatchFor(model))) {
        float[][] rows = worker.predictor.predict(TokenBatch.of(encodings, indices));
        for (int r = 0; r < indices.length; r++) {
          out[indices[r]] = rows[r];
        }
      }
      return out;
    } catch (TranslateException e) {
      throw new IllegalStateException("embedding with " + model.id() + " failed", e);
    } finally {
      release(worker);
    }
  }

  /** Tokens each text is cut to, special tokens included (for measurements and tests). */
  public int tokenCount(String text) {
    Worker worker = borrow();
    try {
      return worker.tokenizer.encode(text).getIds().length;
    } finally {
      release(worker);
    }
  }

  @Override
  public void close() {
    synchronized (all) {
      if (closed) {
        return;
      }
      closed = true;
      for (Worker w : all) {
        w.close();
      }
      all.clear();
      idle.clear();
    }
    network.close();
    sessionOptions.close(); // after the session: DJL does not close options it did not create
    LOG.info("Closed {}", model.id());
  }

  private Worker borrow() {
    Worker w = idle.pollFirst();
    return w != null ? w : newWorker();
  }

  private void release(Worker worker) {
    synchronized (all) {
      if (closed) {
        return; // close() already closed every worker, this one included
      }
    }
    idle.offerFirst(worker); // LIFO: the warmest worker is reused first
  }

  private Worker newWorker() {
    synchronized (all) {
      if (closed) {
        throw new IllegalStateException(model.id() + " embedder is closed");
      }
      try {
        HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optMaxLength(options.maxLength())
                .optTruncation(true)
                // The file pads to a fixed 128; we pad per sub-batch to its longest text instead.
                .optPadding(false)
                .build();
        Worker w =
            new Worker(network.newPredictor(new MeanPoolingTranslator(withTypeIds)), tokenizer);
        all.add(w);
        return w;
      } catch (IOException e) {
        throw new IllegalStateException("cannot load tokenizer " + tokenizerFile, e);
      }
    }
  }

  /** One caller's predictor and tokenizer (a tokenizer per worker: no shared native state). */
  private static final class Worker {
    final Predictor<TokenBatch, float[][]> predictor;
    final HuggingFaceTokenizer tokenizer;

    Worker(Predictor<TokenBatch, float[][]> predictor, HuggingFaceTokenizer tokenizer) {
      this.predictor = predictor;
      this.tokenizer = tokenizer;
    }

    void close() {
      predictor.close();
      tokenizer.close();
    }
  }
}
