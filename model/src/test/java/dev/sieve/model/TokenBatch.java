package dev.sieve.model;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * A sub-batch of tokenised texts, right-padded with zeros to its longest text, as the flat
 * row-major {@code long} arrays the network takes ({@code [rows, length]}).
 */
record TokenBatch(int rows, int length, long[] inputIds, long[] attentionMask, long[] typeIds) {

  static TokenBatch of(Encoding[] encodings, int[] indices) {
    int length = 1;
    for (int i : indices) {
      length = Math.max(length, encodings[i].getIds().length);
    }
    int rows = indices.length;
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      Encoding e = encodings[indices[r]];
      long[] eIds = e.getIds();
      long[] eMask = e.getAttentionMask();
      long[] eTypes = e.getTypeIds();
      System.arraycopy(eIds, 0, ids, r * length, eIds.length);
      System.arraycopy(eMask, 0, mask, r * length, eMask.length);
      System.arraycopy(eTypes, 0, types, r * length, eTypes.length);
    }
    return new TokenBatch(rows, length, ids, mask, types);
  }
}
