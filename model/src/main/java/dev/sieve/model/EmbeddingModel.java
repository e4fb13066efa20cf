package dev.sieve.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The sentence-embedding networks Sieve can serve, each read from the resources of a Maven Central
 * jar (never downloaded at run time). A head is only valid beside the network it was trained on, so
 * each {@code ModelVersion} names the network by {@link #id()} and {@link #digest()}, the SHA-256
 * of the {@code .onnx} file.
 */
public enum EmbeddingModel {
  /** all-MiniLM-L6-v2, int8 dynamically quantised (23 MB): the default. */
  MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q", 384, ""),
  /**
   * The same int8 all-MiniLM-L6-v2 with its activations quantised per token ({@link
   * PerRowQuantisation}): a text's embedding does not depend on the texts batched with it.
   */
  MINILM_L6_V2_Q_ROW("all-minilm-l6-v2-q-row", "all-minilm-l6-v2-q", 384, "", true),
  /** all-MiniLM-L6-v2, fp32 (90 MB): slower, but batch composition does not move its output. */
  MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2", 384, ""),
  /**
   * e5-small-v2, int8 (34 MB, 12 layers: about half MiniLM's speed), texts embedded as they are.
   */
  E5_SMALL_V2_Q("e5-small-v2-q", "e5-small-v2-q", 384, ""),
  /**
   * The same e5-small-v2 network with every text prefixed by {@code "query: "}, as its model card
   * asks for classification. Which of the two wins depends on the data, so they are two networks to
   * choose between (a head trained on one is not valid on the other).
   */
  E5_SMALL_V2_Q_QUERY("e5-small-v2-q+query", "e5-small-v2-q", 384, "query: "),
  /** e5-small-v2 int8, activations quantised per token ({@link PerRowQuantisation}). */
  E5_SMALL_V2_Q_ROW("e5-small-v2-q-row", "e5-small-v2-q", 384, "", true),
  /** e5-small-v2 int8 with "query: ", activations quantised per token. */
  E5_SMALL_V2_Q_ROW_QUERY("e5-small-v2-q-row+query", "e5-small-v2-q", 384, "query: ", true);

  /** The model a classifier gets when configuration names none. */
  public static final EmbeddingModel DEFAULT = MINILM_L6_V2_Q;

  private final String id;
  private final String resourceName;
  private final int dimension;
  private final String textPrefix;
  private final boolean perRow;

  EmbeddingModel(String id, String resourceName, int dimension, String textPrefix) {
    this(id, resourceName, dimension, textPrefix, false);
  }

  EmbeddingModel(String id, String resourceName, int dimension, String textPrefix, boolean perRow) {
    this.id = id;
    this.resourceName = resourceName;
    this.dimension = dimension;
    this.textPrefix = textPrefix;
    this.perRow = perRow;
  }

  /** Whether activations are quantised per token (so batching cannot move an embedding). */
  public boolean perRowActivations() {
    return perRow;
  }

  /**
   * Whether a text's embedding is the same whatever it is batched with: true of the fp32 network
   * and the per-token int8 ones; the per-tensor int8 networks share one activation scale across a
   * batch, so they run one text per call.
   */
  public boolean batchSafe() {
    // The per-tensor int8 networks are the "-q" resources (quantize_dynamic's output).
    return perRow || !resourceName.endsWith("-q");
  }

  public String id() {
    return id;
  }

  public int dimension() {
    return dimension;
  }

  /** What the embedder puts before every text ("" for none). */
  public String textPrefix() {
    return textPrefix;
  }

  /** Classpath resource of the ONNX network. */
  public String onnxResource() {
    return resourceName + ".onnx";
  }

  /** Classpath resource of the HuggingFace {@code tokenizer.json}. */
  public String tokenizerResource() {
    return resourceName + "-tokenizer.json";
  }

  /**
   * SHA-256 (hex) of the network ONNX Runtime runs: the {@code .onnx} resource, or its per-token
   * rewrite; computed once per JVM.
   */
  public String digest() {
    try {
      return perRow
          ? ModelFiles.perRowDigest(onnxResource())
          : ModelFiles.resourceDigest(onnxResource());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + onnxResource(), e);
    }
  }

  /** The {@code .onnx} file on disk (copied from the classpath once, then reused). */
  public Path onnxFile() throws IOException {
    return perRow
        ? ModelFiles.materialisePerRow(onnxResource(), digest())
        : ModelFiles.materialise(onnxResource(), digest());
  }

  /** The tokenizer file on disk, beside the network in the same digest directory. */
  public Path tokenizerFile() throws IOException {
    return ModelFiles.materialise(tokenizerResource(), digest());
  }

  /** Looks a model up by its id, failing with the list of known ids. */
  public static EmbeddingModel byId(String id) {
    for (EmbeddingModel m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown embedding model id '"
            + id
            + "'; known ids: "
            + Arrays.stream(values()).map(EmbeddingModel::id).collect(Collectors.joining(", ")));
  }
}
