package dev.sieve.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The cold-start head (version 0 of a classifier): it scores a text by the cosine similarity of its
 * embedding to the embedding of each label's description, scaled by {@code 1/temperature} and
 * turned into probabilities with a softmax. With unit-length embeddings that is exactly a
 * linear-softmax head whose rows are the description embeddings divided by the temperature, so it
 * ships and runs like any trained head.
 *
 * <p>Default temperature 0.05 (logits = 20 x cosine), measured on customer-support messages with
 * four described labels: obvious messages get 0.99 to 0.9999 on the right label, a message touching
 * two labels gets 0.74 / 0.26, small talk gets a top of 0.43, so uncertainty sampling has something
 * to rank. At 0.02 the obvious rows are exactly one-hot and the two-label message 0.94; at 0.1 even
 * obvious rows drop to 0.89 to 0.95.
 */
public final class ZeroShotHead {

  public static final double DEFAULT_TEMPERATURE = 0.05;

  private ZeroShotHead() {}

  /**
   * ONNX bytes of the zero-shot head.
   *
   * @param descriptions one per label, or empty to describe each label by its name
   */
  public static byte[] build(
      SentenceEmbedder embedder,
      List<String> labels,
      List<String> descriptions,
      double temperature) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a zero-shot head needs at least one label");
    }
    if (!descriptions.isEmpty() && descriptions.size() != labels.size()) {
      throw new IllegalArgumentException(
          labels.size() + " labels but " + descriptions.size() + " descriptions");
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
    }
    List<String> texts = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      String description = descriptions.isEmpty() ? null : descriptions.get(i);
      texts.add(
          description == null || description.isBlank() ? fromLabel(labels.get(i)) : description);
    }
    float[][] rows = embedder.embed(texts); // unit length already
    float scale = (float) (1.0 / temperature);
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= scale;
      }
    }
    return OnnxHeads.linearSoftmax(rows, new float[labels.size()]);
  }

  /**
   * A sentence for a label without a description. A bare word embeds poorly (measured: "sports" vs
   * "cooking" on a football sentence gives 0.52 / 0.48; "This text is about sports." gives 0.92 /
   * 0.08), and "not-offensive" reads better as "not offensive".
   */
  static String fromLabel(String label) {
    return "This text is about " + label.replace('-', ' ').replace('_', ' ') + ".";
  }
}
