package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.model.ModelSigning;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.OnnxHeads;
import dev.sieve.model.SigningKey;
import dev.sieve.model.SigningKeySource;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real training behind the job: numbering, lineage, descriptions, signature, decision. */
class SignedRetrainingTest {

  private static final SigningKey KEY = SigningKey.generate();
  @TempDir static Path dir;
  private static final int DIM = 12;
  private static final List<String> LABELS = List.of("ham", "spam");

  /** A champion that knows nothing: all-zero weights, so it always answers its first label. */
  private static ModelVersion uninformedChampion(int version, List<String> labels) {
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier("spam")
            .setVersion(version)
            .setLabels(labels)
            .setLabelDescriptions(labels.stream().map(l -> "a " + l + " message").toList())
            .setHead(
                ByteBuffer.wrap(
                    OnnxHeads.linearSoftmax(
                        new float[labels.size()][DIM], new float[labels.size()])))
            .setEmbeddingModelId("all-minilm-l6-v2-q")
            .setEmbeddingModelDigest("abc")
            .setReason("zero-shot")
            .setCreatedAtMs(0)
            .setDigest(""),
        KEY);
  }

  @Test
  void aBetterChallengerBecomesTheSignedNextVersionOfTheChampion() {
    LabelledSet set = SyntheticSets.clusters(LABELS, new int[] {60, 60}, DIM, 0.3, 1, 2, "s");
    ModelVersion champion = uninformedChampion(3, LABELS);

    ChallengerTraining.Result result =
        new SignedRetraining(0.01, source()).train(set, champion, "manual", 1_000L);

    ModelVersion v = result.published();
    assertThat(v).isNotNull();
    assertThat(v.getVersion()).isEqualTo(4);
    assertThat(v.getParentVersion()).isEqualTo(3);
    assertThat(v.getLabelDescriptions()).isEqualTo(champion.getLabelDescriptions());
    assertThat(v.getEmbeddingModelDigest()).isEqualTo("abc");
    assertThat(v.getReason()).startsWith("manual: better");
    assertThat(ModelSigning.verify(v, KEY.publicKey())).isTrue();
  }

  @Test
  void aNewClassIsPublishedWithoutTheOldDescriptions() {
    List<String> three = List.of("ham", "spam", "phishing");
    LabelledSet set = SyntheticSets.clusters(three, new int[] {40, 40, 40}, DIM, 0.3, 1, 2, "s");

    ChallengerTraining.Result result =
        new SignedRetraining(0.01, source()).train(set, uninformedChampion(1, LABELS), "drift", 0L);

    assertThat(result.published().getLabels()).isEqualTo(three);
    assertThat(result.published().getLabelDescriptions()).isEmpty();
    assertThat(result.decision()).startsWith("label set changed");
  }

  @Test
  void aChampionAtTheLargestVersionHasNoNextVersion() {
    LabelledSet set = SyntheticSets.clusters(LABELS, new int[] {60, 60}, DIM, 0.3, 1, 2, "s");
    ModelVersion last = uninformedChampion(Integer.MAX_VALUE, LABELS);

    assertThatThrownBy(() -> new SignedRetraining(0.01, source()).train(set, last, "manual", 0L))
        .hasMessageContaining("no version can follow it");
  }

  @Test
  void theJobCarriesWhereTheKeyIsNotTheKey() throws Exception {
    SignedRetraining training = new SignedRetraining(0.01, source());

    assertThat(training.toString()).contains("key file").doesNotContain("PRIVATE");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(training);
    }
    String serialized = bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(serialized).doesNotContain("PRIVATE KEY");
  }

  /** The key in a file, as the job is given it. */
  private static SigningKeySource source() {
    Path file = dir.resolve("retrain.key");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, KEY.privatePem());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return SigningKeySource.file(file);
  }

  @Test
  void aChallengerNoBetterThanTheChampionIsNotPublished() {
    LabelledSet set = SyntheticSets.clusters(LABELS, new int[] {60, 60}, DIM, 0.3, 1, 2, "s");
    ModelVersion good =
        new SignedRetraining(0.01, source())
            .train(set, uninformedChampion(1, LABELS), "manual", 0L)
            .published();

    ChallengerTraining.Result again =
        new SignedRetraining(0.01, source()).train(set, good, "manual", 0L);

    assertThat(again.published()).isNull();
    assertThat(again.decision()).startsWith("not better");
  }
}
