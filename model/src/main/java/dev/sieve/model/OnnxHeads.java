package dev.sieve.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes classifier heads as ONNX models, in Java, from plain weight arrays: whatever trains a head
 * (retrain job, zero-shot builder) only needs to produce weights, and the inference job runs every
 * head the same way. The graph is {@code probabilities = Softmax(Gemm(embedding, W, b, transB=1))}
 * at opset 13, input {@code embedding} {@code [N, d]}, output {@code probabilities} {@code [N, k]}.
 * The same weights always give the same bytes (no timestamps, fixed field order), so a head's
 * digest identifies its weights.
 */
public final class OnnxHeads {

  public static final String INPUT = "embedding";
  public static final String OUTPUT = "probabilities";
  public static final int OPSET = 13;
  // IR version 7 goes with opset 13 (ONNX 1.8); any ONNX Runtime since 1.6 reads it.
  private static final long IR_VERSION = 7;

  private OnnxHeads() {}

  /**
   * A multinomial logistic-regression head.
   *
   * @param weights {@code k x d}: one row per class, in label order
   * @param bias {@code k}
   */
  public static byte[] linearSoftmax(float[][] weights, float[] bias) {
    int k = weights.length;
    if (k == 0 || bias.length != k) {
      throw new IllegalArgumentException(
          "need k >= 1 weight rows and k biases, got "
              + k
              + " rows and "
              + bias.length
              + " biases");
    }
    int d = weights[0].length;
    if (d == 0) {
      throw new IllegalArgumentException("weight rows must not be empty");
    }
    float[] flat = new float[k * d];
    for (int c = 0; c < k; c++) {
      if (weights[c].length != d) {
        throw new IllegalArgumentException(
            "weight row " + c + " has " + weights[c].length + " values, row 0 has " + d);
      }
      System.arraycopy(weights[c], 0, flat, c * d, d);
    }
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("sieve_linear_softmax")
            .addInitializer(floatTensor("W", flat, k, d))
            .addInitializer(floatTensor("b", bias, k))
            .addNode(
                NodeProto.newBuilder()
                    .setName("gemm")
                    .setOpType("Gemm")
                    .addInput(INPUT)
                    .addInput("W")
                    .addInput("b")
                    .addOutput("logits")
                    .addAttribute(intAttribute("transB", 1)))
            .addNode(
                NodeProto.newBuilder()
                    .setName("softmax")
                    .setOpType("Softmax")
                    .addInput("logits")
                    .addOutput(OUTPUT)
                    .addAttribute(intAttribute("axis", 1)))
            .addInput(matrix(INPUT, d))
            .addOutput(matrix(OUTPUT, k))
            .build();
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName("sieve")
        .setModelVersion(1)
        .addMetadataProps(
            StringStringEntryProto.newBuilder().setKey("sieve.head").setValue("linear-softmax"))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static TensorProto floatTensor(String name, float[] values, long... dims) {
    // raw_data is little-endian by the ONNX spec, whatever the platform.
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(raw.array()));
    for (long dim : dims) {
      t.addDims(dim);
    }
    return t.build();
  }

  private static ValueInfoProto matrix(String name, int columns) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
            .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }
}
