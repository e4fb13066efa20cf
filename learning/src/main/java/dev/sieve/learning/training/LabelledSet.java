package dev.sieve.learning.training;

import dev.sieve.schemas.LabelledExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The labelled examples of one classifier, ready to train on: one embedding row and one label per
 * example, and the label order that a head's outputs follow. Immutable. The builder keeps one
 * example per content id (the latest label wins, because a relabel is a correction) and orders
 * examples by content id, so the same labelled set gives the same training input whatever order the
 * labels arrived in — which is what makes retraining deterministic.
 */
public final class LabelledSet {

  private final List<String> labelOrder;
  private final String[] contentIds;
  private final String[] texts;
  private final float[][] rows;
  private final int[] labelIndex;
  private final long[] receivedAtMs;

  private LabelledSet(
      List<String> labelOrder,
      String[] contentIds,
      String[] texts,
      float[][] rows,
      int[] labelIndex,
      long[] receivedAtMs) {
    this.labelOrder = List.copyOf(labelOrder);
    this.contentIds = contentIds;
    this.texts = texts;
    this.rows = rows;
    this.labelIndex = labelIndex;
    this.receivedAtMs = receivedAtMs;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Class names in the order of a head's outputs. */
  public List<String> labelOrder() {
    return labelOrder;
  }

  public int size() {
    return rows.length;
  }

  public int dimension() {
    return rows.length == 0 ? 0 : rows[0].length;
  }

  public int classCount() {
    return labelOrder.size();
  }

  /** A copy of the embeddings, one row per example. */
  public float[][] embeddings() {
    float[][] copy = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      copy[i] = rows[i].clone();
    }
    return copy;
  }

  /** The label name of each example. */
  public String[] labels() {
    String[] out = new String[labelIndex.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = labelOrder.get(labelIndex[i]);
    }
    return out;
  }

  /** The label of each example as an index into {@link #labelOrder()}. */
  public int[] labelIndices() {
    return labelIndex.clone();
  }

  public String contentId(int i) {
    return contentIds[i];
  }

  /**
   * The texts, in example order, when every example was added with its text (from a {@code
   * LabelledExample}); empty otherwise. What a candidate other than the stored embedding — another
   * network, lexical features — is computed from.
   */
  public Optional<List<String>> texts() {
    for (String t : texts) {
      if (t == null) {
        return Optional.empty();
      }
    }
    return Optional.of(List.of(texts));
  }

  /**
   * The examples received after {@code ms}, in example order: what a version created at {@code ms}
   * cannot have trained on. An example's receipt time is the one given to {@link
   * Builder#add(LabelledExample, long)} (retrain-trigger's processing time when the label reached
   * it), else its label time; one added with neither counts as after every time.
   */
  public int[] receivedAfter(long ms) {
    int n = 0;
    int[] out = new int[receivedAtMs.length];
    for (int i = 0; i < receivedAtMs.length; i++) {
      if (receivedAtMs[i] > ms) {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Examples per class, in label order. */
  public int[] classCounts() {
    int[] counts = new int[labelOrder.size()];
    for (int y : labelIndex) {
      counts[y]++;
    }
    return counts;
  }

  /** The examples at {@code indices} (same label order), for a cross-validation fold. */
  public LabelledSet subset(int[] indices) {
    String[] ids = new String[indices.length];
    String[] t = new String[indices.length];
    float[][] r = new float[indices.length][];
    int[] y = new int[indices.length];
    long[] at = new long[indices.length];
    for (int j = 0; j < indices.length; j++) {
      ids[j] = contentIds[indices[j]];
      t[j] = texts[indices[j]];
      r[j] = rows[indices[j]];
      y[j] = labelIndex[indices[j]];
      at[j] = receivedAtMs[indices[j]];
    }
    return new LabelledSet(labelOrder, ids, t, r, y, at);
  }

  // Package-private zero-copy views for the trainer and cross-validation (rows are never
  // mutated).
  float[][] rows() {
    return rows;
  }

  int[] labelIndexView() {
    return labelIndex;
  }

  /** Collects examples; see the class comment for deduplication and ordering. */
  public static final class Builder {
    private final Map<String, Entry> byId = new HashMap<>();
    private List<String> declaredLabels = List.of();
    private long arrival;
    private int dimension = -1;

    private Builder() {}

    /**
     * Fixes the label order (the classifier's declared labels). Labels seen in examples but not
     * declared are appended in name order; without a declaration the order is by name.
     */
    public Builder labelOrder(Collection<String> labels) {
      this.declaredLabels = List.copyOf(new LinkedHashSet<>(labels));
      return this;
    }

    /** Adds (or replaces, when newer) the example of {@code contentId}. */
    public Builder add(String contentId, String label, float[] embedding, long labeledAtMs) {
      return add(contentId, label, null, embedding, labeledAtMs);
    }

    /** Adds (or replaces, when newer) the example of {@code contentId}, with its text. */
    public Builder add(
        String contentId, String label, String text, float[] embedding, long labeledAtMs) {
      return add(contentId, label, text, embedding, labeledAtMs, labeledAtMs);
    }

    private Builder add(
        String contentId,
        String label,
        String text,
        float[] embedding,
        long labeledAtMs,
        long receivedAtMs) {
      Objects.requireNonNull(contentId, "contentId");
      Objects.requireNonNull(label, "label");
      if (dimension < 0) {
        dimension = embedding.length;
      } else if (embedding.length != dimension) {
        throw new IllegalArgumentException(
            "embedding of " + contentId + " has " + embedding.length + " dims, not " + dimension);
      }
      Entry candidate =
          new Entry(label, text, embedding.clone(), labeledAtMs, receivedAtMs, arrival++);
      // Latest label wins; on equal times the later arrival wins (a relabel replayed in
      // order).
      byId.merge(
          contentId, candidate, (old, neu) -> neu.labeledAtMs >= old.labeledAtMs ? neu : old);
      return this;
    }

    /** Adds an example without a label time: the later call wins. */
    public Builder add(String contentId, String label, float[] embedding) {
      return add(contentId, label, embedding, Long.MAX_VALUE);
    }

    public Builder add(LabelledExample example) {
      return add(example, example.getLabeledAtMs());
    }

    /** Adds {@code example}, received by the trainer at {@code receivedAtMs}. */
    public Builder add(LabelledExample example, long receivedAtMs) {
      List<Float> e = example.getEmbedding();
      float[] embedding = new float[e.size()];
      for (int i = 0; i < embedding.length; i++) {
        embedding[i] = e.get(i);
      }
      return add(
          example.getContentId(),
          example.getLabel(),
          example.getText() == null ? null : example.getText().toString(),
          embedding,
          example.getLabeledAtMs(),
          receivedAtMs);
    }

    public int size() {
      return byId.size();
    }

    public LabelledSet build() {
      TreeMap<String, Entry> sorted = new TreeMap<>(byId);
      List<String> order = new ArrayList<>(declaredLabels);
      TreeSet<String> extra = new TreeSet<>();
      for (Entry e : sorted.values()) {
        if (!declaredLabels.contains(e.label)) {
          extra.add(e.label);
        }
      }
      order.addAll(extra);
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        index.put(order.get(i), i);
      }
      String[] ids = sorted.keySet().toArray(String[]::new);
      String[] texts = new String[ids.length];
      float[][] rows = new float[ids.length][];
      int[] y = new int[ids.length];
      long[] at = new long[ids.length];
      int i = 0;
      for (Entry e : sorted.values()) {
        texts[i] = e.text;
        rows[i] = e.embedding;
        y[i] = index.get(e.label);
        at[i] = e.receivedAtMs;
        i++;
      }
      return new LabelledSet(order, ids, texts, rows, y, at);
    }
  }

  private record Entry(
      String label,
      String text,
      float[] embedding,
      long labeledAtMs,
      long receivedAtMs,
      long arrival) {}

  @Override
  public String toString() {
    return "LabelledSet{n="
        + size()
        + ", labels="
        + labelOrder
        + ", counts="
        + Arrays.toString(classCounts())
        + "}";
  }
}
