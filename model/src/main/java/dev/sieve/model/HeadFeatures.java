package dev.sieve.model;

import java.util.Arrays;

/**
 * What a head reads, as {@code ModelVersion.features} names it: the embedding alone (the empty
 * string, as every version before candidates), the {@link LexicalFeaturiser} vector alone, or the
 * lexical vector followed by the embedding. {@link #assemble} builds the head's input row the same
 * way training did.
 */
public enum HeadFeatures {
  EMBEDDING(""),
  LEXICAL("lexical"),
  LEXICAL_EMBEDDING("lexical+embedding");

  private final String id;

  HeadFeatures(String id) {
    this.id = id;
  }

  /** The value of {@code ModelVersion.features}. */
  public String id() {
    return id;
  }

  public boolean needsEmbedding() {
    return this != LEXICAL;
  }

  public boolean needsFeaturiser() {
    return this != EMBEDDING;
  }

  /**
   * The head's input row: {@code embedding}, {@code lexical}, or both concatenated (each part is
   * already L2-normalised: the embedder's rows and the featuriser's vectors are unit length).
   * Either argument may be null when this kind does not read it.
   */
  public float[] assemble(float[] lexical, float[] embedding) {
    return switch (this) {
      case EMBEDDING -> embedding;
      case LEXICAL -> lexical;
      case LEXICAL_EMBEDDING -> {
        float[] row = Arrays.copyOf(lexical, lexical.length + embedding.length);
        System.arraycopy(embedding, 0, row, lexical.length, embedding.length);
        yield row;
      }
    };
  }

  /** The kind named {@code id}; unknown names throw, listing the known ones. */
  public static HeadFeatures byId(String id) {
    for (HeadFeatures f : values()) {
      if (f.id.equals(id == null ? "" : id)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown head features '" + id + "' (known: '', 'lexical', 'lexical+embedding')");
  }
}
