package dev.sieve.retrain.functions;

import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import java.nio.ByteBuffer;
import java.util.List;

/** Test-data builders with named values. */
final class Records {

  static final String CLASSIFIER = "spam";
  static final String EMBEDDING = "all-minilm-l6-v2-q";
  static final SigningKey KEY = SigningKey.generate();

  private Records() {}

  /** An example whose 4-d embedding points along its class ({@code ham}, {@code spam}, other). */
  static RetrainInput example(String contentId, String label, long labeledAtMs) {
    float[] axis = {0, 0, 0, 0};
    axis["ham".equals(label) ? 0 : "spam".equals(label) ? 1 : 2] = 1;
    return RetrainInput.example(
        LabelledExample.newBuilder()
            .setContentId(contentId)
            .setClassifier(CLASSIFIER)
            .setText("text of " + contentId)
            .setEmbeddingModel(EMBEDDING)
            .setEmbedding(List.of(axis[0], axis[1], axis[2], axis[3]))
            .setLabel(label)
            .setLabeler("tester")
            .setLabeledAtMs(labeledAtMs)
            .build());
  }

  static RetrainInput request(String reason) {
    return RetrainInput.request(
        RetrainRequest.newBuilder()
            .setClassifier(CLASSIFIER)
            .setReason(reason)
            .setDetail("")
            .setRequestedAtMs(0)
            .build());
  }

  /** A champion signed with {@link #KEY}. */
  static ModelVersion champion(int version) {
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier(CLASSIFIER)
            .setVersion(version)
            .setLabels(List.of("ham", "spam"))
            .setHead(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .setEmbeddingModelId(EMBEDDING)
            .setEmbeddingModelDigest("digest")
            .setReason("zero-shot")
            .setCreatedAtMs(0)
            .setDigest("d"),
        KEY);
  }
}
