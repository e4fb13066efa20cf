package dev.sieve.learning.training;

import ai.onnxruntime.OrtException;
import dev.sieve.model.HeadRunner;
import java.util.List;

/**
 * A published head (ONNX bytes from a {@code ModelVersion}) seen as a {@link Head}, so the champion
 * is scored by exactly the runtime that serves it.
 */
public final class OnnxHead implements Head, AutoCloseable {

  private final List<String> labels;
  private final HeadRunner runner;

  public OnnxHead(List<String> labels, byte[] onnx) throws OrtException {
    this.labels = List.copyOf(labels);
    this.runner = new HeadRunner(onnx);
    if (runner.outputCount() != labels.size()) {
      runner.close();
      throw new IllegalArgumentException(
          "head has " + runner.outputCount() + " outputs but " + labels.size() + " labels");
    }
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  @Override
  public float[][] probabilities(float[][] embeddings) {
    return runner.predict(embeddings);
  }

  @Override
  public void close() {
    runner.close();
  }
}
