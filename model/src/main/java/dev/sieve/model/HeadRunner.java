package dev.sieve.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a classifier head: an ONNX model from embeddings {@code [n, d]} to class probabilities
 * {@code [n, k]}. It uses ONNX Runtime's Java API directly rather than DJL: a head is a few
 * kilobytes loaded from bytes in a record, {@code OrtSession.run} is thread-safe (so one runner
 * serves every thread, no predictor pool), and the session's own input/output metadata is what
 * validation needs to check. The shapes are checked at construction; a head that does not map one
 * float matrix to one float matrix with fixed {@code d} and {@code k} is refused.
 */
public final class HeadRunner implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final int inputDimension;
  private final int outputCount;

  public HeadRunner(byte[] onnx) throws OrtException {
    env = OnnxRuntimeEnvironment.get();
    options = OnnxRuntimeEnvironment.sessionOptions(1);
    OrtSession opened = null;
    try {
      opened = env.createSession(onnx, options);
      if (opened.getNumInputs() != 1) {
        throw new IllegalArgumentException(
            "a head takes one input, this one takes " + opened.getInputNames());
      }
      Map.Entry<String, NodeInfo> in = opened.getInputInfo().entrySet().iterator().next();
      Map<String, NodeInfo> outputs = opened.getOutputInfo();
      Map.Entry<String, NodeInfo> out =
          Optional.ofNullable(outputs.get(OnnxHeads.OUTPUT))
              .map(info -> Map.entry(OnnxHeads.OUTPUT, info))
              .orElseGet(() -> outputs.entrySet().iterator().next());
      inputName = in.getKey();
      outputName = out.getKey();
      inputDimension = matrixColumns("input " + inputName, in.getValue());
      outputCount = matrixColumns("output " + outputName, out.getValue());
      session = opened;
    } catch (OrtException | RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      options.close();
      throw e;
    }
  }

  /** {@code d}: the embedding dimension the head takes. */
  public int inputDimension() {
    return inputDimension;
  }

  /** {@code k}: the number of classes. */
  public int outputCount() {
    return outputCount;
  }

  /** Class probabilities, one row per embedding. Thread-safe. */
  public float[][] predict(float[][] embeddings) {
    if (embeddings.length == 0) {
      return new float[0][];
    }
    FloatBuffer flat = FloatBuffer.allocate(embeddings.length * inputDimension);
    for (int i = 0; i < embeddings.length; i++) {
      if (embeddings[i].length != inputDimension) {
        throw new IllegalArgumentException(
            "row "
                + i
                + " has "
                + embeddings[i].length
                + " values, the head takes "
                + inputDimension);
      }
      flat.put(embeddings[i]);
    }
    flat.flip();
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, flat, new long[] {embeddings.length, inputDimension});
        OrtSession.Result result = session.run(Map.of(inputName, input))) {
      OnnxValue value = result.get(outputName).orElseThrow();
      return (float[][]) value.getValue();
    } catch (OrtException e) {
      throw new IllegalStateException("head failed on " + embeddings.length + " rows", e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close head session", e);
    } finally {
      options.close();
    }
  }

  private static int matrixColumns(String what, NodeInfo info) {
    if (!(info.getInfo() instanceof TensorInfo tensor)
        || tensor.type != OnnxJavaType.FLOAT
        || tensor.getShape().length != 2
        || tensor.getShape()[1] <= 0) {
      throw new IllegalArgumentException(
          "head " + what + " must be a float tensor [n, fixed size], is " + describe(info));
    }
    return (int) tensor.getShape()[1];
  }

  private static String describe(NodeInfo info) {
    return info.getInfo() instanceof TensorInfo t
        ? t.type + Arrays.toString(t.getShape())
        : String.valueOf(info.getInfo());
  }
}
