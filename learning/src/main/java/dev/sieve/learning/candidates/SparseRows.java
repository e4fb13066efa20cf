package dev.sieve.learning.candidates;

import dev.sieve.model.LexicalFeaturiser;

/**
 * Feature rows without their zeros: a lexical part (sparse TF-IDF over the fold's vocabulary)
 * and/or a dense part (a network's embedding) placed after it, as {@code HeadFeatures} concatenates
 * them at serving time. The solver sees the lexical part times {@code lexicalScale} ({@link
 * #nodes}); {@link #dense} is the row as served, unscaled, and {@link
 * LogisticRegression#head(de.bwaldvogel.liblinear.Model, java.util.List, SparseRows)} folds the
 * scale into the weights.
 */
record SparseRows(
    int dimension,
    LexicalFeaturiser.Sparse[] lexical,
    int lexicalDim,
    float[][] dense,
    double lexicalScale) {

  SparseRows {
    if (!(lexicalScale > 0)) {
      throw new IllegalArgumentException("lexicalScale must be > 0: " + lexicalScale);
    }
  }

  SparseRows(int dimension, LexicalFeaturiser.Sparse[] lexical, int lexicalDim, float[][] dense) {
    this(dimension, lexical, lexicalDim, dense, 1.0);
  }

  int size() {
    return lexical != null ? lexical.length : dense.length;
  }

  /**
   * Row {@code i} as liblinear nodes (1-based indices; the lexical part times {@code
   * lexicalScale}), followed by the bias node.
   */
  de.bwaldvogel.liblinear.Feature[] nodes(int i) {
    int nl = lexical == null ? 0 : lexical[i].indices().length;
    int nd = dense == null ? 0 : dense[i].length;
    de.bwaldvogel.liblinear.Feature[] out = new de.bwaldvogel.liblinear.Feature[nl + nd + 1];
    int m = 0;
    for (int j = 0; j < nl; j++) {
      out[m++] =
          new de.bwaldvogel.liblinear.FeatureNode(
              lexical[i].indices()[j] + 1, lexicalScale * lexical[i].values()[j]);
    }
    int offset = lexical == null ? 0 : lexicalDim;
    for (int j = 0; j < nd; j++) {
      out[m++] = new de.bwaldvogel.liblinear.FeatureNode(offset + j + 1, dense[i][j]);
    }
    out[m] = new de.bwaldvogel.liblinear.FeatureNode(dimension + 1, 1.0);
    return out;
  }

  /** Row {@code i} as the dense vector a head reads (unscaled, as served). */
  float[] dense(int i) {
    float[] row = new float[dimension];
    if (lexical != null) {
      for (int j = 0; j < lexical[i].indices().length; j++) {
        row[lexical[i].indices()[j]] = lexical[i].values()[j];
      }
    }
    if (dense != null) {
      System.arraycopy(dense[i], 0, row, lexical == null ? 0 : lexicalDim, dense[i].length);
    }
    return row;
  }
}
