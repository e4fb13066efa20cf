package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelVersionValidatorTest {

  private static final byte[] KEY = ModelSigning.key("deployment-secret");
  private static final String EMBEDDING_ID = "all-minilm-l6-v2-q";
  private static final String EMBEDDING_DIGEST = "ab".repeat(32);
  private static final int D = 384;
  private static final List<String> LABELS = List.of("ham", "spam");

  private final ModelVersionValidator validator =
      new ModelVersionValidator(KEY, EMBEDDING_ID, EMBEDDING_DIGEST, D);

  @Test
  void aGoodSignedVersionIsAcceptedWithItsHead() throws Exception {
    Validation v = validator.validate(ModelVersions.signed(version(head(2, D)), KEY));

    assertThat(v.ok()).as(v.message()).isTrue();
    assertThat(v.refusal()).isEmpty();
    try (HeadRunner head = v.head()) {
      assertThat(head.outputCount()).isEqualTo(2);
      assertThat(head.predict(new float[][] {new float[D]})[0]).containsExactly(0.5f, 0.5f);
    }
  }

  @Test
  void editedHeadIsRefusedForItsDigest() {
    ModelVersion signed = ModelVersions.signed(version(head(2, D)), KEY);
    byte[] tampered = ModelVersions.headBytes(signed);
    tampered[tampered.length - 1] ^= 1;
    signed.setHead(ByteBuffer.wrap(tampered));

    assertRefused(signed, Refusal.BAD_DIGEST);
  }

  @Test
  void unsignedVersionIsRefused() {
    byte[] head = head(2, D);
    ModelVersion unsigned = version(head).setDigest(ModelSigning.sha256Hex(head)).build();

    assertRefused(unsigned, Refusal.UNSIGNED);
  }

  @Test
  void versionSignedWithAnotherKeyIsRefused() {
    assertRefused(
        ModelVersions.signed(version(head(2, D)), ModelSigning.key("attacker")),
        Refusal.BAD_SIGNATURE);
  }

  @Test
  void headTrainedOnAnotherEmbeddingIsRefused() {
    assertRefused(
        ModelVersions.signed(version(head(2, D)).setEmbeddingModelId("e5-small-v2-q"), KEY),
        Refusal.EMBEDDING_MISMATCH);
    assertRefused(
        ModelVersions.signed(version(head(2, D)).setEmbeddingModelDigest("cd".repeat(32)), KEY),
        Refusal.EMBEDDING_MISMATCH);
  }

  @Test
  void bytesThatAreNotOnnxAreRefused() {
    assertRefused(
        ModelVersions.signed(version("not a model".getBytes()), KEY), Refusal.UNLOADABLE_HEAD);
  }

  @Test
  void headForAnotherDimensionIsRefused() {
    assertRefused(ModelVersions.signed(version(head(2, 768)), KEY), Refusal.WRONG_INPUT_DIMENSION);
  }

  @Test
  void labelsThatDoNotMatchTheHeadAreRefused() {
    assertRefused(ModelVersions.signed(version(head(3, D)), KEY), Refusal.LABEL_COUNT_MISMATCH);
    assertRefused(
        ModelVersions.signed(version(head(2, D)).setLabels(List.of("spam", "spam")), KEY),
        Refusal.LABEL_COUNT_MISMATCH);
    assertRefused(
        ModelVersions.signed(version(head(2, D)).setLabels(List.of()), KEY),
        Refusal.LABEL_COUNT_MISMATCH);
  }

  @Test
  void headWithNonFiniteOutputsFailsTheSmokeTest() {
    float[][] weights = new float[2][D];
    weights[1][0] = Float.NaN;

    assertRefused(
        ModelVersions.signed(version(OnnxHeads.linearSoftmax(weights, new float[2])), KEY),
        Refusal.SMOKE_TEST_FAILED);
  }

  @Test
  void smokeInputsAreUnitVectors() {
    for (float[] row : ModelVersionValidator.smokeInputs(D)) {
      assertThat(Vectors.norm(row)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }
  }

  private void assertRefused(ModelVersion version, Refusal expected) {
    Validation v = validator.validate(version);

    assertThat(v.ok()).isFalse();
    assertThat(v.refusal()).as(v.message()).contains(expected);
    assertThat(v.message())
        .contains("classifier 'spam-filter'")
        .contains("version 3")
        .contains(expected.name());
  }

  private static byte[] head(int k, int d) {
    float[][] weights = new float[k][d];
    for (int c = 0; c < k; c++) {
      Arrays.fill(weights[c], 0.01f * (c + 1));
    }
    return OnnxHeads.linearSoftmax(weights, new float[k]);
  }

  private static ModelVersion.Builder version(byte[] head) {
    return ModelVersion.newBuilder()
        .setClassifier("spam-filter")
        .setVersion(3)
        .setParentVersion(2)
        .setLabels(LABELS)
        .setHead(ByteBuffer.wrap(head))
        .setEmbeddingModelId(EMBEDDING_ID)
        .setEmbeddingModelDigest(EMBEDDING_DIGEST)
        .setReason("new-labels")
        .setCreatedAtMs(1_700_000_000_000L)
        .setDigest("")
        .setSignature(null);
  }
}
