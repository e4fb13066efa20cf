package dev.sieve.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Feeds a {@link TokenBatch} to a BERT-style ONNX network and turns its token states into sentence
 * embeddings: mean over the tokens the attention mask keeps, then L2 normalisation (what
 * sentence-transformers does for all-MiniLM-L6-v2). The pooling runs in plain Java because DJL's
 * OnnxRuntime NDArrays support almost no operators without a second engine.
 */
final class MeanPoolingTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {

  private static final String HIDDEN_STATE = "last_hidden_state";

  private final boolean withTypeIds;

  MeanPoolingTranslator(boolean withTypeIds) {
    this.withTypeIds = withTypeIds;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
    NDManager manager = ctx.getNDManager();
    Shape shape = new Shape(batch.rows(), batch.length());
    ctx.setAttachment("batch", batch);
    NDList inputs = new NDList(3);
    inputs.add(named(manager.create(batch.inputIds(), shape), "input_ids"));
    inputs.add(named(manager.create(batch.attentionMask(), shape), "attention_mask"));
    if (withTypeIds) {
      inputs.add(named(manager.create(batch.typeIds(), shape), "token_type_ids"));
    }
    return inputs;
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
    TokenBatch batch = (TokenBatch) ctx.getAttachment("batch");
    NDArray hidden = outputs.get(HIDDEN_STATE);
    if (hidden == null) {
      hidden = outputs.head();
    }
    long[] dims = hidden.getShape().getShape();
    if (dims.length != 3 || dims[0] != batch.rows() || dims[1] != batch.length()) {
      throw new IllegalStateException(
          "expected token states ["
              + batch.rows()
              + ", "
              + batch.length()
              + ", d], got "
              + hidden.getShape());
    }
    return pool(hidden.toFloatArray(), batch, (int) dims[2]);
  }

  static float[][] pool(float[] states, TokenBatch batch, int dimension) {
    float[][] out = new float[batch.rows()][dimension];
    long[] mask = batch.attentionMask();
    for (int r = 0; r < batch.rows(); r++) {
      float[] row = out[r];
      int kept = 0;
      for (int t = 0; t < batch.length(); t++) {
        if (mask[r * batch.length() + t] == 0) {
          continue;
        }
        kept++;
        int base = (r * batch.length() + t) * dimension;
        for (int k = 0; k < dimension; k++) {
          row[k] += states[base + k];
        }
      }
      // The mean's 1/kept factor cancels in the normalisation; kept only guards empty rows.
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
    }
    return out;
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }
}
