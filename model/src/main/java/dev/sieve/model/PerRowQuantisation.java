package dev.sieve.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a dynamically quantised network so that each token's activations get a scale of their
 * own, instead of one scale for the whole batch tensor: then a text's embedding no longer depends
 * on the texts it is batched with (nor on their padding), and batching cannot change a label.
 *
 * <p>The int8 networks we serve were quantised by ONNX Runtime's {@code quantize_dynamic}: before
 * each integer matrix product, a {@code DynamicQuantizeLinear} node maps the whole float input
 * {@code [batch, tokens, d]} to uint8 with one scale and one zero point, computed from the tensor's
 * minimum and maximum. One long outlier token in a batch therefore coarsens every other text's
 * numbers. This rewrite replaces each such node by symmetric per-row quantisation (per token, as
 * LLM.int8() and SmoothQuant quantise activations): {@code s = max|x| / 127} over the last axis,
 * {@code q = round(x / s) + 128} as uint8, zero point the constant 128. The node's three outputs
 * keep their names, so the {@code MatMulInteger} nodes and the scale products after them are
 * untouched: the scale is now {@code [batch, tokens, 1]} and broadcasts where a scalar was.
 *
 * <p>Hand-written because no Java library rewrites ONNX graphs; it edits the protobuf classes
 * already on the classpath (tribuo-util-onnx) and refuses any network whose quantised nodes do not
 * follow the pattern above, rather than guess.
 */
public final class PerRowQuantisation {

  private static final String DQL = "DynamicQuantizeLinear";
  private static final float LEVELS = 127f;
  private static final byte ZERO_POINT = (byte) 128;
  // Smallest scale: a row of zeros quantises to 128s instead of dividing by zero.
  private static final float MIN_SCALE = 1e-12f;

  private PerRowQuantisation() {}

  /** The rewritten network; throws if it has no dynamically quantised node or an unknown use. */
  public static byte[] rewrite(byte[] onnx) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model", e);
    }
    GraphProto graph = model.getGraph();
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      for (String input : n.getInputList()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(n);
      }
    }
    String prefix = "sieve_per_row/";
    GraphProto.Builder out =
        graph.toBuilder()
            .clearNode()
            .addInitializer(scalar(prefix + "levels", LEVELS))
            .addInitializer(scalar(prefix + "min_scale", MIN_SCALE))
            .addInitializer(scalar(prefix + "offset", 128f));
    int rewritten = 0;
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getOpType().equals(DQL)) {
        out.addNode(n);
        continue;
      }
      if (n.getInputCount() != 1 || n.getOutputCount() != 3) {
        throw new IllegalArgumentException(DQL + " node " + n.getName() + " has unexpected arity");
      }
      checkUses(n, consumers);
      String x = n.getInput(0);
      String q = n.getOutput(0);
      String scale = n.getOutput(1);
      String zeroPoint = n.getOutput(2);
      String p = prefix + rewritten + "/";
      out.addNode(node("Abs", p + "abs", List.of(x), p + "abs"))
          .addNode(
              node("ReduceMax", p + "max", List.of(p + "abs"), p + "max").toBuilder()
                  .addAttribute(ints("axes", -1))
                  .addAttribute(OnnxHeads.intAttribute("keepdims", 1))
                  .build())
          .addNode(node("Div", p + "per_level", List.of(p + "max", prefix + "levels"), p + "raw"))
          .addNode(node("Max", p + "scale", List.of(p + "raw", prefix + "min_scale"), scale))
          .addNode(node("Div", p + "scaled", List.of(x, scale), p + "scaled"))
          .addNode(node("Round", p + "round", List.of(p + "scaled"), p + "rounded"))
          .addNode(node("Add", p + "shift", List.of(p + "rounded", prefix + "offset"), p + "shift"))
          // |x| <= max|x| = 127 s, so the shifted values lie in [1, 255]: no Clip needed.
          .addNode(
              node("Cast", p + "cast", List.of(p + "shift"), q).toBuilder()
                  .addAttribute(OnnxHeads.intAttribute("to", TensorProto.DataType.UINT8_VALUE))
                  .build())
          .addInitializer(
              TensorProto.newBuilder()
                  .setName(zeroPoint)
                  .setDataType(TensorProto.DataType.UINT8_VALUE)
                  .setRawData(ByteString.copyFrom(new byte[] {ZERO_POINT})));
      rewritten++;
    }
    if (rewritten == 0) {
      throw new IllegalArgumentException(
          "no " + DQL + " node: not a dynamically quantised network");
    }
    // The original value_info may declare the scale a scalar; let ONNX Runtime infer shapes again.
    out.clearValueInfo();
    return model.toBuilder().setGraph(out).build().toByteArray();
  }

  /**
   * The rewrite is only right where the scale feeds products (it becomes a tensor) and the zero
   * point feeds {@code MatMulInteger}'s zero-point input (it stays the scalar 128).
   */
  private static void checkUses(NodeProto dql, Map<String, List<NodeProto>> consumers) {
    for (NodeProto c : consumers.getOrDefault(dql.getOutput(1), List.of())) {
      if (!c.getOpType().equals("Mul")) {
        throw new IllegalArgumentException(
            "scale of " + dql.getName() + " feeds " + c.getOpType() + ", expected Mul");
      }
    }
    for (NodeProto c : consumers.getOrDefault(dql.getOutput(2), List.of())) {
      if (!c.getOpType().equals("MatMulInteger") || !dql.getOutput(2).equals(c.getInput(2))) {
        throw new IllegalArgumentException(
            "zero point of "
                + dql.getName()
                + " feeds "
                + c.getOpType()
                + ", expected MatMulInteger");
      }
    }
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static TensorProto scalar(String name, float value) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addFloatData(value)
        .build();
  }
}
