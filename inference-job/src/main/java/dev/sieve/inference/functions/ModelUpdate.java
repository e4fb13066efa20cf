package dev.sieve.inference.functions;

import dev.sieve.schemas.ModelVersion;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * An element of the broadcast model stream: either a decoded {@link ModelVersion}, or the marker
 * saying that the model reader has passed every record {@code sieve.models} held when it started
 * (see {@link ModelRecordDecoder}). A typed wrapper rather than a sentinel {@code ModelVersion}, so
 * no fake version can ever reach validation. A Flink POJO with explicit field types ({@link
 * #TYPE}): no Kryo.
 */
public class ModelUpdate {

  /** The version travels as Avro, the flag as a boolean. */
  public static final TypeInformation<ModelUpdate> TYPE =
      Types.POJO(
          ModelUpdate.class,
          Map.of("version", new AvroTypeInfo<>(ModelVersion.class), "caughtUp", Types.BOOLEAN));

  private ModelVersion version;
  private boolean caughtUp;

  public ModelUpdate() {}

  public static ModelUpdate of(ModelVersion version) {
    ModelUpdate update = new ModelUpdate();
    update.version = Objects.requireNonNull(version, "version");
    return update;
  }

  /** The marker: the model stream now reflects what the topic held when the reader started. */
  public static ModelUpdate caughtUp() {
    ModelUpdate update = new ModelUpdate();
    update.caughtUp = true;
    return update;
  }

  /** The version; null for the caught-up marker. */
  public ModelVersion getVersion() {
    return version;
  }

  public void setVersion(ModelVersion version) {
    this.version = version;
  }

  public boolean isCaughtUp() {
    return caughtUp;
  }

  public void setCaughtUp(boolean caughtUp) {
    this.caughtUp = caughtUp;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelUpdate that
        && caughtUp == that.caughtUp
        && Objects.equals(version, that.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, caughtUp);
  }

  @Override
  public String toString() {
    return caughtUp
        ? "ModelUpdate[caught up]"
        : "ModelUpdate[" + version.getClassifier() + " v" + version.getVersion() + "]";
  }
}
