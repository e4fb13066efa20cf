package dev.sieve.cli;

import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.model.TrustedKeys;
import dev.sieve.schemas.ClassMetrics;
import dev.sieve.schemas.ModelMetrics;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Fixed model versions for formatting tests. */
final class ModelFixtures {

  static final SigningKey KEY = SigningKey.generate();
  static final TrustedKeys TRUSTED = KEY.trusted();

  /** 2023-11-14 22:13:20 UTC. */
  static final long T0 = 1_700_000_000_000L;

  private ModelFixtures() {}

  static ModelVersion version(int version, Integer parent, String reason, ModelMetrics metrics) {
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier("spam")
            .setVersion(version)
            .setParentVersion(parent)
            .setLabels(List.of("spam", "ham"))
            .setLabelDescriptions(List.of())
            .setHead(ByteBuffer.wrap(("head-" + version).getBytes(StandardCharsets.UTF_8)))
            .setEmbeddingModelId("all-minilm-l6-v2-q")
            .setEmbeddingModelDigest("0123456789abcdef0123")
            .setMetrics(metrics)
            .setReason(reason)
            .setCreatedAtMs(T0 + version * 60_000L),
        KEY);
  }

  static ModelMetrics metrics(double accuracy, double macroF1, int n) {
    return ModelMetrics.newBuilder()
        .setAccuracy(accuracy)
        .setMacroF1(macroF1)
        .setPerClass(
            List.of(
                new ClassMetrics("spam", 0.9, 0.8, 0.847, 40),
                new ClassMetrics("ham", 0.95, 0.975, 0.962, 160)))
        .setConfusion(List.of(List.of(32, 8), List.of(4, 156)))
        .setTrainingSize(n)
        .setFolds(5)
        .build();
  }
}
