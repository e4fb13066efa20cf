package dev.sieve.inference.testing;

import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.List;

/** Test-data builders with named values. */
public final class Samples {

  public static final String SPAM = "spam";
  public static final String TOXIC = "toxic";

  private Samples() {}

  public static ContentEvent content(String id, String text) {
    return ContentEvent.newBuilder().setId(id).setText(text).build();
  }

  /** A version of {@code classifier} with labels {@code yes}/{@code no}, signed for the fake. */
  public static ModelVersion.Builder version(String classifier, int version, ByteBuffer head) {
    return ModelVersion.newBuilder()
        .setClassifier(classifier)
        .setVersion(version)
        .setLabels(List.of("yes", "no"))
        .setHead(head)
        .setEmbeddingModelId(FakeRuntime.PRIMARY)
        .setEmbeddingModelDigest(FakeRuntime.PRIMARY + "-digest")
        .setReason("manual")
        .setCreatedAtMs(1_000L)
        .setDigest("d")
        .setSignature(FakeRuntime.GOOD_SIGNATURE);
  }

  /** An accepted version answering {@code yes} with probability {@code pYes}. */
  public static ModelVersion accepted(String classifier, int version, double pYes) {
    return version(classifier, version, FakeRuntime.head(pYes, 1 - pYes)).build();
  }

  /** {@link #accepted}, but read from the embedding network {@code network}. */
  public static ModelVersion accepted(String classifier, int version, double pYes, String network) {
    return version(classifier, version, FakeRuntime.head(pYes, 1 - pYes))
        .setEmbeddingModelId(network)
        .setEmbeddingModelDigest(network + "-digest")
        .build();
  }
}
