package dev.sieve.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SentenceEmbedder} running a BERT-style ONNX network with ONNX Runtime's Java API
 * directly, tokenised by DJL's HuggingFace tokenizer: mean over the tokens the attention mask
 * keeps, then L2 normalisation (what sentence-transformers does for all-MiniLM-L6-v2).
 *
 * <p>The hot path allocates no tensors of its own: each concurrent caller borrows a worker (its own
 * tokenizer and direct, native-order buffers sized for a full sub-batch of {@code maxLength}
 * tokens) from a pool that grows to the number of concurrent callers and no further. Token ids go
 * straight into the worker's input buffers, the network writes its token states into the worker's
 * output buffer (a pinned output), and pooling reads them from there; the only per-call objects are
 * the small {@link OnnxTensor} wrappers around those buffers and the returned rows. One {@link
 * OrtSession} serves every thread ({@code OrtSession.run} is thread-safe). A batch is split into
 * sub-batches of similar token length ({@link LengthBuckets}); rows come back in input order.
 */
public final class OnnxSentenceEmbedder implements SentenceEmbedder {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxSentenceEmbedder.class);

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final String HIDDEN_STATE = "last_hidden_state";

  private final EmbeddingModel model;
  private final EmbedderOptions options;
  private final Path tokenizerFile;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions sessionOptions;
  private final OrtSession session;
  private final boolean withTypeIds;
  private final String outputName;
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final List<Worker> all = new ArrayList<>();
  // What this network has cost since it was loaded, over every caller (a JVM-wide figure when
  // shared through SharedEmbedders): the benchmark's share of time per network.
  private final LongAdder embedNanos = new LongAdder();
  private final LongAdder embeddedTexts = new LongAdder();
  private volatile long loadMillis;
  private boolean closed;

  private OnnxSentenceEmbedder(
      EmbeddingModel model,
      EmbedderOptions options,
      Path tokenizerFile,
      OrtEnvironment env,
      OrtSession.SessionOptions sessionOptions,
      OrtSession session)
      throws OrtException {
    this.model = model;
    this.options = options;
    this.tokenizerFile = tokenizerFile;
    this.env = env;
    this.sessionOptions = sessionOptions;
    this.session = session;
    Set<String> inputs = session.getInputNames();
    if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
      throw new IllegalArgumentException(
          model.id() + " must take input_ids and attention_mask, takes " + inputs);
    }
    this.withTypeIds = inputs.contains(TOKEN_TYPE_IDS);
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    this.outputName =
        outputs.containsKey(HIDDEN_STATE) ? HIDDEN_STATE : outputs.keySet().iterator().next();
    if (!(outputs.get(outputName).getInfo() instanceof TensorInfo states)
        || states.type != OnnxJavaType.FLOAT
        || states.getShape().length != 3
        || states.getShape()[2] != model.dimension()) {
      throw new IllegalArgumentException(
          model.id()
              + " output "
              + outputName
              + " must be float token states [n, tokens, "
              + model.dimension()
              + "], is "
              + outputs.get(outputName).getInfo());
    }
  }

  /** Loads the network (a few hundred ms); prefer {@link SharedEmbedders} in long-lived JVMs. */
  public static OnnxSentenceEmbedder load(EmbeddingModel model, EmbedderOptions options)
      throws IOException {
    long start = System.nanoTime();
    OrtEnvironment env = OnnxRuntimeEnvironment.get();
    Path onnx = model.onnxFile();
    Path tokenizer = model.tokenizerFile();
    OrtSession.SessionOptions sessionOptions;
    try {
      sessionOptions = OnnxRuntimeEnvironment.sessionOptions(options.intraOpThreads());
    } catch (OrtException e) {
      throw new IOException("cannot create ONNX Runtime session options", e);
    }
    OrtSession session = null;
    try {
      session = env.createSession(onnx.toString(), sessionOptions);
      OnnxSentenceEmbedder embedder =
          new OnnxSentenceEmbedder(model, options, tokenizer, env, sessionOptions, session);
      embedder.release(embedder.newWorker()); // fail now, not on the first event
      embedder.loadMillis = (System.nanoTime() - start) / 1_000_000;
      LOG.info(
          "Loaded {} ({} intra-op threads, max {} tokens, sub-batches of {}) in {} ms",
          model.id(),
          options.intraOpThreads(),
          options.maxLength(),
          embedder.subBatch(),
          embedder.loadMillis);
      return embedder;
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      sessionOptions.close();
      throw new IOException("cannot load " + model.id(), e);
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

  /** Wall time {@link #load} took (copying the files if needed, session, first worker). */
  public long loadMillis() {
    return loadMillis;
  }

  /** Wall time spent in {@link #embed} since the load, summed over concurrent callers. */
  public long embedNanos() {
    return embedNanos.sum();
  }

  /** Texts {@link #embed} has embedded since the load. */
  public long embeddedTexts() {
    return embeddedTexts.sum();
  }

  @Override
  public float[][] embed(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    long start = System.nanoTime();
    Worker worker = borrow();
    try {
      long[][] ids = new long[texts.size()][];
      int[] lengths = new int[texts.size()];
      for (int i = 0; i < ids.length; i++) {
        String text = Objects.requireNonNull(texts.get(i), "text " + i + " is null");
        ids[i] = worker.tokenIds(text);
        lengths[i] = ids[i].length;
      }
      float[][] out = new float[texts.size()][];
      for (int[] indices : LengthBuckets.split(lengths, subBatch())) {
        worker.run(ids, indices, out);
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("embedding with " + model.id() + " failed", e);
    } finally {
      release(worker);
      embedNanos.add(System.nanoTime() - start);
      embeddedTexts.add(texts.size());
    }
  }

  /** Texts per network call ({@link EmbedderOptions#subBatchFor}). */
  public int subBatch() {
    return options.subBatchFor(model);
  }

  /** Tokens each text is cut to, special tokens included (for measurements and tests). */
  public int tokenCount(String text) {
    Worker worker = borrow();
    try {
      return worker.tokenIds(text).length;
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
    closeQuietly(session);
    sessionOptions.close();
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
        Worker w = new Worker(tokenizer);
        all.add(w);
        return w;
      } catch (IOException e) {
        throw new IllegalStateException("cannot load tokenizer " + tokenizerFile, e);
      }
    }
  }

  private static void closeQuietly(OrtSession session) {
    if (session == null) {
      return;
    }
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("cannot close the ONNX Runtime session", e);
    }
  }

  private static LongBuffer longs(int capacity) {
    return ByteBuffer.allocateDirect(capacity * Long.BYTES)
        .order(ByteOrder.nativeOrder())
        .asLongBuffer();
  }

  /**
   * One caller's tokenizer and buffers (a tokenizer per worker: no shared native state). The
   * buffers hold a whole sub-batch at the maximum length, so they are never reallocated.
   */
  private final class Worker {
    final HuggingFaceTokenizer tokenizer;
    final LongBuffer inputIds;
    final LongBuffer attentionMask;
    final LongBuffer typeIds; // stays all zeros: one segment per text
    final FloatBuffer states;
    final float[] scratch;
    final Map<String, OnnxTensor> inputs = new HashMap<>(4);

    Worker(HuggingFaceTokenizer tokenizer) {
      this.tokenizer = tokenizer;
      int tokens = subBatch() * options.maxLength();
      inputIds = longs(tokens);
      attentionMask = longs(tokens);
      typeIds = longs(tokens);
      states =
          ByteBuffer.allocateDirect(tokens * model.dimension() * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      scratch = new float[tokens * model.dimension()];
    }

    /**
     * The token ids of one text, truncated to {@code maxLength}, special tokens included: exactly
     * {@code tokenizer.encode(text).getIds()}, without the eight other arrays (token strings,
     * character spans, ...) {@code encode} copies out of the native encoding.
     */
    long[] tokenIds(String text) {
      TokenizersLibrary lib = TokenizersLibrary.LIB;
      String prefix = model.textPrefix();
      long encoding =
          lib.encode(tokenizer.getHandle(), prefix.isEmpty() ? text : prefix + text, true);
      try {
        return lib.getTokenIds(encoding);
      } finally {
        lib.deleteEncoding(encoding);
      }
    }

    /** Embeds the texts at {@code indices} (one sub-batch) into {@code out} at those indices. */
    void run(long[][] ids, int[] indices, float[][] out) throws OrtException {
      int rows = indices.length;
      int length = 1;
      for (int i : indices) {
        length = Math.max(length, ids[i].length);
      }
      int cells = rows * length;
      int dimension = model.dimension();
      inputIds.clear(); // absolute puts check the limit the previous call left
      attentionMask.clear();
      for (int r = 0; r < rows; r++) {
        long[] row = ids[indices[r]];
        int base = r * length;
        for (int t = 0; t < length; t++) {
          boolean token = t < row.length;
          inputIds.put(base + t, token ? row[t] : 0L);
          attentionMask.put(base + t, token ? 1L : 0L);
        }
      }
      long[] shape = {rows, length};
      states.clear().limit(cells * dimension);
      try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, inputIds.limit(cells), shape);
          OnnxTensor maskTensor = OnnxTensor.createTensor(env, attentionMask.limit(cells), shape);
          OnnxTensor typesTensor =
              withTypeIds
                  ? OnnxTensor.createTensor(env, typeIds.clear().limit(cells), shape)
                  : null;
          OnnxTensor statesTensor =
              OnnxTensor.createTensor(env, states, new long[] {rows, length, dimension})) {
        inputs.put(INPUT_IDS, idsTensor);
        inputs.put(ATTENTION_MASK, maskTensor);
        if (typesTensor != null) {
          inputs.put(TOKEN_TYPE_IDS, typesTensor);
        }
        try (OrtSession.Result ignored = session.run(inputs, Map.of(outputName, statesTensor))) {
          // the token states are in this worker's buffer now
        } finally {
          inputs.clear();
        }
        states.get(0, scratch, 0, cells * dimension);
      }
      for (int r = 0; r < rows; r++) {
        out[indices[r]] = pool(scratch, r, ids[indices[r]].length, length, dimension);
      }
    }

    void close() {
      tokenizer.close();
    }
  }

  /**
   * Mean over the first {@code kept} token states of row {@code r} of {@code [rows, length, d]},
   * L2-normalised. The mean's 1/kept factor cancels in the normalisation, so it is a sum; a row
   * with no tokens (not produced by the tokenizer, which always adds [CLS] and [SEP]) stays zero.
   */
  static float[] pool(float[] states, int r, int kept, int length, int dimension) {
    float[] row = new float[dimension];
    for (int t = 0; t < kept; t++) {
      int base = (r * length + t) * dimension;
      for (int k = 0; k < dimension; k++) {
        row[k] += states[base + k];
      }
    }
    double norm = 0;
    for (float v : row) {
      norm += (double) v * v;
    }
    norm = Math.sqrt(norm);
    if (kept > 0 && norm > 0) {
      for (int k = 0; k < dimension; k++) {
        row[k] = (float) (row[k] / norm);
      }
    }
    return row;
  }
}
