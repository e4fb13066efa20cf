package dev.sieve.retrain.functions;

import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * One element of the keyed input of {@link RetrainTrigger}: exactly one of a labelled example, a
 * retrain request or a model version, so the three topics meet in one keyed function (and one keyed
 * state) per classifier. A Flink POJO whose fields travel as Avro ({@link #TYPE}): no Kryo.
 */
public class RetrainInput {

  public static final TypeInformation<RetrainInput> TYPE =
      Types.POJO(
          RetrainInput.class,
          Map.of(
              "example", new AvroTypeInfo<>(LabelledExample.class),
              "request", new AvroTypeInfo<>(RetrainRequest.class),
              "model", new AvroTypeInfo<>(ModelVersion.class)));

  private LabelledExample example;
  private RetrainRequest request;
  private ModelVersion model;

  public RetrainInput() {}

  public static RetrainInput example(LabelledExample example) {
    RetrainInput in = new RetrainInput();
    in.example = Objects.requireNonNull(example, "example");
    return in;
  }

  public static RetrainInput request(RetrainRequest request) {
    RetrainInput in = new RetrainInput();
    in.request = Objects.requireNonNull(request, "request");
    return in;
  }

  public static RetrainInput model(ModelVersion model) {
    RetrainInput in = new RetrainInput();
    in.model = Objects.requireNonNull(model, "model");
    return in;
  }

  /** The key: the classifier the element belongs to. */
  public static String classifierOf(RetrainInput in) {
    if (in.example != null) {
      return in.example.getClassifier();
    }
    if (in.request != null) {
      return in.request.getClassifier();
    }
    return in.model.getClassifier();
  }

  public LabelledExample getExample() {
    return example;
  }

  public void setExample(LabelledExample example) {
    this.example = example;
  }

  public RetrainRequest getRequest() {
    return request;
  }

  public void setRequest(RetrainRequest request) {
    this.request = request;
  }

  public ModelVersion getModel() {
    return model;
  }

  public void setModel(ModelVersion model) {
    this.model = model;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetrainInput that
        && Objects.equals(example, that.example)
        && Objects.equals(request, that.request)
        && Objects.equals(model, that.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(example, request, model);
  }

  @Override
  public String toString() {
    if (example != null) {
      return "RetrainInput[example " + example.getContentId() + "]";
    }
    return request != null
        ? "RetrainInput[request " + request.getReason() + "]"
        : "RetrainInput[model v" + model.getVersion() + "]";
  }
}
