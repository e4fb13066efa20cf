package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSigningTest {

  private static final SigningKey KEY = SigningKey.generate();

  @Test
  void sha256OfKnownInput() {
    assertThat(ModelSigning.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void canonicalBytesStartWithTheLengthPrefixedDomain() {
    byte[] bytes = ModelSigning.canonicalBytes(version().build());

    ByteBuffer b = ByteBuffer.wrap(bytes);
    int n = b.getInt();
    byte[] domain = new byte[n];
    b.get(domain);
    assertThat(new String(domain, StandardCharsets.UTF_8)).isEqualTo("sieve-model-version-v1");
    int classifierLength = b.getInt();
    byte[] classifier = new byte[classifierLength];
    b.get(classifier);
    assertThat(new String(classifier, StandardCharsets.UTF_8)).isEqualTo("spam-filter");
    assertThat(b.getInt()).isEqualTo(3); // version
    assertThat(b.get()).isEqualTo((byte) 1); // parent present
    assertThat(b.getInt()).isEqualTo(2);
  }

  @Test
  void everySignedFieldChangesTheCanonicalBytes() {
    byte[] base = ModelSigning.canonicalBytes(version().build());
    List<Consumer<ModelVersion.Builder>> edits =
        List.of(
            b -> b.setClassifier("spam-filter2"),
            b -> b.setVersion(4),
            b -> b.setParentVersion(null),
            b -> b.setParentVersion(0),
            b -> b.setLabels(List.of("spam", "ham")),
            b -> b.setLabelDescriptions(List.of("not spam", "spam")),
            b -> b.setHeadFormat("onnx2"),
            b -> b.setDigest("cd".repeat(32)),
            b -> b.setEmbeddingModelId("other"),
            b -> b.setEmbeddingModelDigest("ef".repeat(32)),
            b -> b.setCreatedAtMs(1),
            b -> b.setKeyId("0011223344556677"),
            b -> b.setFeatures("lexical+embedding"),
            b -> b.setFeaturiser(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    for (Consumer<ModelVersion.Builder> edit : edits) {
      ModelVersion.Builder b = version();
      edit.accept(b);
      assertThat(ModelSigning.canonicalBytes(b.build())).isNotEqualTo(base);
    }
    // not signed: they describe a version, they do not change its predictions
    assertThat(ModelSigning.canonicalBytes(version().setReason("rollback").build()))
        .isEqualTo(base);
    assertThat(
            ModelSigning.canonicalBytes(
                version()
                    .setCandidates(
                        List.of(
                            new dev.sieve.schemas.CandidateScore(
                                "lexical/lr-c1", 0.9, 0.0, true, true)))
                    .build()))
        .isEqualTo(base);
  }

  @Test
  void aHeadThatReadsLexicalFeaturesIsSignedWithItsFeaturiser() {
    ModelVersion signed =
        ModelVersions.signed(
            version()
                .setFeatures("lexical+embedding")
                .setFeaturiser(ByteBuffer.wrap(new byte[] {1, 2, 3})),
            KEY);
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isTrue();

    signed.setFeaturiser(ByteBuffer.wrap(new byte[] {1, 2, 4}));
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isFalse();
    signed.setFeaturiser(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    signed.setFeatures("");
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isFalse();
    signed.setFeatures("lexical+embedding");
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isTrue();
  }

  @Test
  void fieldBoundariesCannotBeShifted() {
    // labels ["ab", "c"] and ["a", "bc"] concatenate alike; length prefixes keep them apart
    assertThat(ModelSigning.canonicalBytes(version().setLabels(List.of("ab", "c")).build()))
        .isNotEqualTo(ModelSigning.canonicalBytes(version().setLabels(List.of("a", "bc")).build()));
  }

  @Test
  void signatureVerifiesOnlyWithTheSigningKeyAndUnchangedFields() {
    ModelVersion signed = ModelVersions.signed(version(), KEY);

    assertThat(signed.getKeyId()).isEqualTo(KEY.keyId()).hasSize(16);
    assertThat(signed.getSignature()).hasSize(128);
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isTrue();
    assertThat(ModelSigning.verify(signed, SigningKey.generate().publicKey())).isFalse();
    signed.setLabels(List.of("spam", "ham"));
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isFalse();
    signed.setLabels(List.of("ham", "spam"));
    signed.setSignature("00" + signed.getSignature().substring(2));
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isFalse();
    signed.setSignature("not hex");
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isFalse();
  }

  @Test
  void keyIdIsTheStartOfTheSha256OfThePublicKey() {
    assertThat(KEY.keyId())
        .isEqualTo(ModelSigning.sha256Hex(KEY.publicKey().getEncoded()).substring(0, 16));
  }

  @Test
  void privateKeyFileRoundTripsAndNeverPrintsTheKey() {
    SigningKey read = SigningKey.parse(KEY.privatePem(), "test");

    assertThat(read.keyId()).isEqualTo(KEY.keyId());
    ModelVersion signed = ModelVersions.signed(version(), read);
    assertThat(ModelSigning.verify(signed, KEY.publicKey())).isTrue();
    String privateBase64 = Base64.getEncoder().encodeToString(KEY.privateKey().getEncoded());
    assertThat(read.toString()).contains(KEY.keyId()).doesNotContain(privateBase64);
  }

  @Test
  void aPrivateKeyWithAnotherKeysPublicHalfIsRefused() {
    SigningKey other = SigningKey.generate();
    String mixed = KEY.privatePem().substring(0, KEY.privatePem().indexOf("-----BEGIN PUBLIC"));
    mixed += other.publicPem();
    String text = mixed;

    assertThatThrownBy(() -> SigningKey.parse(text, "the key file k"))
        .hasMessageContaining("do not belong together");
  }

  @Test
  void knownSampleKeysAreRefusedWithAClearMessage() {
    assertThatThrownBy(
            () -> SigningKey.parse("change-me-sieve-compose-signing-key\n", "the key file k"))
        .hasMessageContaining("sample key")
        .hasMessageContaining("sieve keys generate");
    assertThatThrownBy(
            () ->
                SigningKey.fromEnvironment(
                    java.util.Map.of(SigningKey.ENV, "sieve-demo-signing-key")))
        .hasMessageContaining(SigningKey.ENV)
        .hasMessageContaining("sample key");
    assertThatThrownBy(() -> SigningKey.parse("hello", "the key file k"))
        .hasMessageContaining("is not an Ed25519 signing key");
  }

  @Test
  void trustedKeysFromFilesInlinePemAndBase64(@TempDir Path dir) throws Exception {
    SigningKey a = SigningKey.generate();
    SigningKey b = SigningKey.generate();
    SigningKey c = SigningKey.generate();
    Path file = dir.resolve("a.pub");
    Files.writeString(file, a.publicPem());

    TrustedKeys keys =
        TrustedKeys.parse(
            List.of(
                file.toString(),
                b.publicPem(),
                Base64.getEncoder().encodeToString(c.publicKey().getEncoded())));

    assertThat(keys.ids()).containsExactly(a.keyId(), b.keyId(), c.keyId());
    assertThat(keys.key(b.keyId())).contains(b.publicKey());
    assertThat(keys.key("ffffffffffffffff")).isEmpty();
  }

  @Test
  void aPrivateKeyIsNotATrustedKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("k.key");
    Files.writeString(file, KEY.privatePem());

    assertThatThrownBy(() -> TrustedKeys.parse(List.of(file.toString())))
        .hasMessageContaining("holds a private key");
    assertThatThrownBy(() -> TrustedKeys.parse(List.of()))
        .hasMessageContaining("at least one trusted public key");
    assertThatThrownBy(() -> TrustedKeys.parse(List.of(dir.resolve("missing/keyfile").toString())))
        .hasMessageContaining("neither a readable file");
  }

  static ModelVersion.Builder version() {
    return ModelVersion.newBuilder()
        .setClassifier("spam-filter")
        .setVersion(3)
        .setParentVersion(2)
        .setLabels(List.of("ham", "spam"))
        .setLabelDescriptions(List.of("spam", "not spam"))
        .setHead(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setEmbeddingModelId("all-minilm-l6-v2-q")
        .setEmbeddingModelDigest("ab".repeat(32))
        .setReason("new-labels")
        .setCreatedAtMs(1_700_000_000_000L)
        .setDigest("ab".repeat(32))
        .setKeyId("")
        .setSignature(null);
  }
}
