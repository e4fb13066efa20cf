package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.model.ModelSigning;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ModelVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainedVersionsTest {

  private static final List<String> LABELS = List.of("ham", "spam");
  private static final SigningKey KEY = SigningKey.generate();

  @Test
  void publishedRetrainingBecomesASignedVersionWithItsMetrics() {
    LabelledSet set = SyntheticSets.clusters(LABELS, new int[] {120, 40}, 12, 0.3, 1, 2, "v");
    Retrainer.Outcome outcome = Retrainer.defaults().retrain(set, null);

    ModelVersion version =
        TrainedVersions.of(
            outcome,
            set.labelOrder(),
            new TrainedVersions.Meta(
                "spam", 1, 0, List.of(), "all-minilm-l6-v2-q", "abc", "new-labels", 1_000L),
            KEY);

    assertThat(version.getLabels()).containsExactly("ham", "spam");
    assertThat(ModelVersions.headBytes(version)).isEqualTo(outcome.head().onnx());
    assertThat(version.getDigest()).isEqualTo(ModelSigning.sha256Hex(outcome.head().onnx()));
    assertThat(ModelSigning.verify(version, KEY.publicKey())).isTrue();
    assertThat(version.getKeyId()).isEqualTo(KEY.keyId());
    assertThat(version.getMetrics().getTrainingSize()).isEqualTo(160);
    assertThat(version.getMetrics().getFolds()).isEqualTo(5);
    assertThat(version.getMetrics().getPerClass()).hasSize(2);
    assertThat(version.getReason()).startsWith("new-labels: no champion yet");
  }
}
