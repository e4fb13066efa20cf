package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelVersionValidatorTest {

  private static final SigningKey KEY = SigningKey.generate();
  private static final String EMBEDDING_ID = "all-minilm-l6-v2-q";
  private static final String EMBEDDING_DIGEST = "ab".repeat(32);
  private static final int D = 384;
  private static final List<String> LABELS = List.of("ham", "spam");

  private final ModelVersionValidator validator =
      new ModelVersionValidator(KEY.trusted(), EMBEDDING_ID, EMBEDDING_DIGEST, D);

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
  void versionSignedWithAnUntrustedKeyIsRefused() {
    assertRefused(
        ModelVersions.signed(version(head(2, D)), SigningKey.generate()), Refusal.UNKNOWN_KEY);
  }

  @Test
  void versionSignedByAnotherKeyUnderATrustedKeyIdIsRefused() {
    ModelVersion forged = ModelVersions.signed(version(head(2, D)), SigningKey.generate());
    forged.setKeyId(KEY.keyId());

    assertRefused(forged, Refusal.BAD_SIGNATURE);
  }

  @Test
  void eitherOfTwoTrustedKeysVerifiesDuringARotation() {
    SigningKey next = SigningKey.generate();
    ModelVersionValidator rotating =
        new ModelVersionValidator(
            TrustedKeys.of(KEY.publicKey(), next.publicKey()), EMBEDDING_ID, EMBEDDING_DIGEST, D);

    Validation old = rotating.validate(ModelVersions.signed(version(head(2, D)), KEY));
    Validation fresh =
        rotating.validate(ModelVersions.signed(version(head(2, D)).setVersion(4), next));

    assertThat(old.ok()).as(old.message()).isTrue();
    assertThat(fresh.ok()).as(fresh.message()).isTrue();
    old.head().close();
    fresh.head().close();
  }

  /** The attack: a signed version's labels swapped, head, digest and signature kept. */
  @Test
  void swappedLabelsAreRefusedAsRelabelled() {
    ModelVersion signed = ModelVersions.signed(version(head(2, D)), KEY);
    accept(signed);
    ModelVersion forged = ModelVersion.newBuilder(signed).setVersion(12).build();
    forged.setLabels(List.of("spam", "ham"));

    assertRefused(forged, Refusal.RELABELLED, "version 12");
  }

  @Test
  void aTamperedVersionNeverSeenVerifiedIsABadSignature() {
    ModelVersion signed = ModelVersions.signed(version(head(2, D)), KEY);
    signed.setLabels(List.of("spam", "ham"));

    assertRefused(signed, Refusal.BAD_SIGNATURE);
  }

  @Test
  void anOldVersionRepublishedAsAHigherOneIsRefusedAsReplayed() {
    ModelVersion v3 = ModelVersions.signed(version(head(2, D)), KEY);
    accept(v3);
    ModelVersion replay = ModelVersion.newBuilder(v3).setVersion(9).build();

    assertRefused(replay, Refusal.REPLAYED, "version 9");
  }

  @Test
  void aVersionRenamedToAnotherClassifierIsRefusedAsRenamed() {
    ModelVersion v3 = ModelVersions.signed(version(head(2, D)), KEY);
    accept(v3);
    ModelVersion renamed = ModelVersion.newBuilder(v3).setClassifier("ham-filter").build();

    Validation v = validator.validate(renamed);
    assertThat(v.refusal()).as(v.message()).contains(Refusal.RENAMED);
    assertThat(v.message()).contains("classifier 'ham-filter'").contains("'spam-filter'");
  }

  @Test
  void aVersionWithAnotherParentIsRefusedAsReparented() {
    ModelVersion v3 = ModelVersions.signed(version(head(2, D)), KEY);
    accept(v3);
    ModelVersion reparented =
        ModelVersion.newBuilder(v3).setVersion(4).setParentVersion(null).build();

    assertRefused(reparented, Refusal.REPARENTED, "version 4");
  }

  @Test
  void classifierNamesAreValidated() {
    ModelVersion.Builder builder = version(head(2, D)).setClassifier("Spam Filter!");
    assertThatThrownBy(() -> ModelVersions.signed(builder, KEY))
        .hasMessageContaining("classifier name 'Spam Filter!' is not valid");
    ModelVersion signed = ModelVersions.signed(version(head(2, D)), KEY);
    signed.setClassifier("../etc");

    Validation v = validator.validate(signed);
    assertThat(v.refusal()).contains(Refusal.BAD_CLASSIFIER_NAME);
    assertThat(v.message()).contains("is not valid");
    assertThat(ModelBounds.classifierNameProblem("a".repeat(64))).isNull();
    assertThat(ModelBounds.classifierNameProblem("a".repeat(65))).isNotNull();
    assertThat(ModelBounds.classifierNameProblem("topic.v2_en-gb")).isNull();
    assertThat(ModelBounds.classifierNameProblem("-x")).isNotNull();
  }

  @Test
  void aHeadOverTheCapIsRefusedBeforeItIsHashed() {
    ModelVersionValidator small =
        new ModelVersionValidator(
            KEY.trusted(),
            ModelBounds.defaults().withMaxHeadBytes(1000),
            EMBEDDING_ID,
            EMBEDDING_DIGEST,
            D);

    Validation v = small.validate(ModelVersions.signed(version(head(2, D)), KEY));

    assertThat(v.refusal()).contains(Refusal.HEAD_TOO_LARGE);
    assertThat(v.message()).contains("the cap is 1000");
  }

  @Test
  void aNewClassifierBeyondTheCapIsRefusedAndKnownOnesStillUpdate() {
    ModelVersionValidator two =
        new ModelVersionValidator(
            KEY.trusted(),
            ModelBounds.defaults().withMaxClassifiers(2),
            EMBEDDING_ID,
            EMBEDDING_DIGEST,
            D);
    two.validate(ModelVersions.signed(version(head(2, D)).setClassifier("a"), KEY)).head().close();
    two.validate(ModelVersions.signed(version(head(2, D)).setClassifier("b"), KEY)).head().close();

    Validation third =
        two.validate(ModelVersions.signed(version(head(2, D)).setClassifier("c"), KEY));
    Validation update =
        two.validate(
            ModelVersions.signed(version(head(2, D)).setClassifier("a").setVersion(4), KEY));

    assertThat(third.refusal()).contains(Refusal.TOO_MANY_CLASSIFIERS);
    assertThat(third.message()).contains("the cap is 2");
    assertThat(update.ok()).as(update.message()).isTrue();
    update.head().close();
  }

  @Test
  void keptVersionsPerClassifierAreCapped() {
    ModelVersionValidator keepsTwo =
        new ModelVersionValidator(
            KEY.trusted(),
            ModelBounds.defaults().withMaxVersionsKept(2),
            EMBEDDING_ID,
            EMBEDDING_DIGEST,
            D);
    ModelVersion first = ModelVersions.signed(version(head(2, D)).setVersion(1), KEY);
    keepsTwo.validate(first).head().close();
    keepsTwo.validate(ModelVersions.signed(version(head(3, D)).setVersion(2), KEY));
    keepsTwo.validate(ModelVersions.signed(version(head(3, D)).setVersion(3), KEY));

    // version 1 is forgotten: its replay is still refused, as a plain bad signature
    Validation v = keepsTwo.validate(ModelVersion.newBuilder(first).setVersion(9).build());
    assertThat(v.refusal()).contains(Refusal.BAD_SIGNATURE);
  }

  @Test
  void theNextVersionAfterTheLargestIntIsRefused() {
    assertThat(ModelBounds.nextVersion("spam", 41)).isEqualTo(42);
    assertThatThrownBy(() -> ModelBounds.nextVersion("spam", Integer.MAX_VALUE))
        .hasMessageContaining("no version can follow it");
    ModelVersion signed = ModelVersions.signed(version(head(2, D)), KEY);
    signed.setVersion(-1);
    assertThat(validator.validate(signed).refusal()).contains(Refusal.VERSION_OUT_OF_RANGE);
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
  void aValidatorForSeveralNetworksServesEachVersionBesideTheOneItNames() {
    ModelVersionValidator several =
        ModelVersionValidator.forNetworks(
            KEY.trusted(),
            ModelBounds.defaults(),
            List.of(EmbeddingModel.MINILM_L6_V2_Q, EmbeddingModel.E5_SMALL_V2_Q_QUERY));
    EmbeddingModel e5 = EmbeddingModel.E5_SMALL_V2_Q_QUERY;

    Validation onE5 =
        several.validate(
            ModelVersions.signed(
                version(head(2, D))
                    .setEmbeddingModelId(e5.id())
                    .setEmbeddingModelDigest(e5.digest()),
                KEY));
    assertThat(onE5.ok()).as(onE5.message()).isTrue();
    onE5.head().close();
    Validation onMiniLm =
        several.validate(
            ModelVersions.signed(
                version(head(2, D))
                    .setEmbeddingModelId(EmbeddingModel.MINILM_L6_V2_Q.id())
                    .setEmbeddingModelDigest(EmbeddingModel.MINILM_L6_V2_Q.digest()),
                KEY));
    assertThat(onMiniLm.ok()).as(onMiniLm.message()).isTrue();
    onMiniLm.head().close();

    // MiniLM's weights under e5's id; a network this validator does not serve.
    Validation wrongWeights =
        several.validate(
            ModelVersions.signed(
                version(head(2, D))
                    .setEmbeddingModelId(e5.id())
                    .setEmbeddingModelDigest(EmbeddingModel.MINILM_L6_V2_Q.digest()),
                KEY));
    assertThat(wrongWeights.refusal()).contains(Refusal.EMBEDDING_MISMATCH);
    assertThat(wrongWeights.message()).contains(e5.id() + " has weights " + e5.digest());
    Validation unknown =
        several.validate(
            ModelVersions.signed(
                version(head(2, D)).setEmbeddingModelId("bert-base-uncased"), KEY));
    assertThat(unknown.refusal()).contains(Refusal.EMBEDDING_MISMATCH);
    assertThat(unknown.message())
        .contains("bert-base-uncased")
        .contains("it serves all-minilm-l6-v2-q, e5-small-v2-q+query");
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
  void headsThatReadLexicalFeaturesAreAcceptedWithTheirFeaturiser() {
    LexicalFeaturiser featuriser =
        new LexicalFeaturiser(new int[] {-5, 3, 17}, new float[] {1f, 2f, 3f});
    ByteBuffer bytes = ByteBuffer.wrap(featuriser.toBytes());

    Validation hybrid =
        validator.validate(
            ModelVersions.signed(
                version(head(2, 3 + D)).setFeatures("lexical+embedding").setFeaturiser(bytes),
                KEY));
    assertThat(hybrid.ok()).as(hybrid.message()).isTrue();
    assertThat(hybrid.features()).isEqualTo(HeadFeatures.LEXICAL_EMBEDDING);
    assertThat(hybrid.featuriser().dimension()).isEqualTo(3);
    hybrid.head().close();

    // a lexical head needs no network at all
    Validation lexical =
        validator.validate(
            ModelVersions.signed(
                version(head(2, 3))
                    .setVersion(4)
                    .setFeatures("lexical")
                    .setFeaturiser(bytes)
                    .setEmbeddingModelId("")
                    .setEmbeddingModelDigest(""),
                KEY));
    assertThat(lexical.ok()).as(lexical.message()).isTrue();
    assertThat(lexical.features()).isEqualTo(HeadFeatures.LEXICAL);
    lexical.head().close();
  }

  @Test
  void aLexicalHeadWithoutAUsableFeaturiserOrOfTheWrongSizeIsRefused() {
    ByteBuffer three =
        ByteBuffer.wrap(
            new LexicalFeaturiser(new int[] {1, 2, 3}, new float[] {1, 1, 1}).toBytes());
    assertRefused(
        ModelVersions.signed(version(head(2, 3 + D)).setFeatures("lexical+embedding"), KEY),
        Refusal.UNLOADABLE_HEAD);
    assertRefused(
        ModelVersions.signed(
            version(head(2, 3 + D))
                .setFeatures("lexical+embedding")
                .setFeaturiser(ByteBuffer.wrap(new byte[] {1, 2, 3})),
            KEY),
        Refusal.UNLOADABLE_HEAD);
    assertRefused(
        ModelVersions.signed(
            version(head(2, 3 + D)).setFeatures("tf-idf").setFeaturiser(three), KEY),
        Refusal.UNLOADABLE_HEAD);
    assertRefused(
        ModelVersions.signed(
            version(head(2, D)).setFeatures("lexical+embedding").setFeaturiser(three), KEY),
        Refusal.WRONG_INPUT_DIMENSION);
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

  private void accept(ModelVersion version) {
    Validation v = validator.validate(version);
    assertThat(v.ok()).as(v.message()).isTrue();
    v.head().close();
  }

  private void assertRefused(ModelVersion version, Refusal expected) {
    assertRefused(version, expected, "version 3");
  }

  private void assertRefused(ModelVersion version, Refusal expected, String versionText) {
    Validation v = validator.validate(version);

    assertThat(v.ok()).isFalse();
    assertThat(v.refusal()).as(v.message()).contains(expected);
    assertThat(v.message())
        .contains("classifier 'spam-filter'")
        .contains(versionText)
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
        .setKeyId("")
        .setSignature(null);
  }
}
