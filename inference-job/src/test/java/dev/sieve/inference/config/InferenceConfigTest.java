package dev.sieve.inference.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.config.ConfigException;
import dev.sieve.inference.runtime.SieveModelRuntime;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.SigningKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InferenceConfigTest {

  private static final SigningKey KEY = SigningKey.generate();

  @Test
  void defaultsToTheQuantisedMiniLmSmallBatchesAndOneThread() {
    InferenceConfig config = parse();

    assertThat(config.embeddingModel()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(EmbeddingModel.byId(config.embeddingModel())).isEqualTo(EmbeddingModel.DEFAULT);
    assertThat(config.batchMaxSize()).isEqualTo(32);
    assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(10));
    assertThat(config.intraOpThreads()).isEqualTo(1);
    // follows the network: one text per call on the default int8 network (batching flips labels)
    assertThat(config.maxSubBatch()).isEqualTo(EmbedderOptions.AUTO_SUB_BATCH);
    assertThat(config.describe()).containsEntry("max-sub-batch", "auto");
    assertThat(config.primarySubBatch()).isEqualTo(1);
    assertThat(parse("--embedding-model=all-minilm-l6-v2-q-row").primarySubBatch()).isEqualTo(8);
    assertThat(SieveModelRuntime.of(config).embedderOptions())
        .isEqualTo(EmbedderOptions.defaults());
    assertThat(config.common().exactlyOnce()).isTrue();
    assertThat(config.contentTopic()).isEqualTo("sieve.content");
    assertThat(config.modelsTopic()).isEqualTo("sieve.models");
    assertThat(config.predictionsTopic()).isEqualTo("sieve.predictions");
    assertThat(config.scoredTopic()).isEqualTo("sieve.scored");
    assertThat(config.alertsTopic()).isEqualTo("sieve.models.alerts");
    assertThat(config.common().groupId()).isEqualTo("sieve.inference");
  }

  @Test
  void readsEveryKey() {
    InferenceConfig config =
        parse(
            "--embedding-model=all-minilm-l6-v2",
            "--batch-max-size=8",
            "--batch-max-wait=25ms",
            "--intra-op-threads=2",
            "--max-sub-batch=8",
            "--delivery=at-least-once",
            "--topic-prefix=blue.");

    assertThat(config.embeddingModel()).isEqualTo("all-minilm-l6-v2");
    assertThat(config.batchMaxSize()).isEqualTo(8);
    assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(25));
    assertThat(config.intraOpThreads()).isEqualTo(2);
    assertThat(config.maxSubBatch()).isEqualTo(8);
    assertThat(SieveModelRuntime.of(config).embedderOptions().maxSubBatch()).isEqualTo(8);
    assertThat(config.common().exactlyOnce()).isFalse();
    assertThat(config.predictionsTopic()).isEqualTo("blue.predictions");
  }

  @Test
  void trustedPublicKeysAreRequiredAndASecretIsRefused() {
    assertThatThrownBy(
            () ->
                InferenceConfig.fromArgs(
                    "--bootstrap-servers=k:9092", "--registry-url=http://r:8081"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--model-trusted-keys");
    assertThatThrownBy(() -> parse("--model-signing-key=change-me-sieve-compose-signing-key"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no longer accepted")
        .hasMessageContaining("--model-trusted-keys");
    assertThatThrownBy(() -> parse("--model-trusted-keys=not a key"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--model-trusted-keys");

    InferenceConfig config = parse();
    assertThat(config.trustedKeys().ids()).containsExactly(KEY.keyId());
    assertThat(config.describe()).containsEntry("model-trusted-keys", KEY.keyId());
  }

  @Test
  void severalTrustedKeysForARotationAndConfigurableBounds() {
    SigningKey next = SigningKey.generate();
    InferenceConfig config =
        parse(
            "--model-trusted-keys=" + KEY.publicBase64() + "," + next.publicBase64(),
            "--max-head-bytes=1000",
            "--max-classifiers=3",
            "--max-versions-kept=4");

    assertThat(config.trustedKeys().ids()).containsExactly(KEY.keyId(), next.keyId());
    assertThat(config.bounds()).isEqualTo(new ModelBounds(1000, 3, 4));
    assertThatThrownBy(() -> parse("--max-head-bytes=0")).hasMessageContaining("--max-head-bytes");
  }

  @Test
  void rejectsUnknownModelsBadValuesAndMisspeltKeys() {
    assertThatThrownBy(() -> parse("--embedding-model=bert"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("all-minilm-l6-v2-q");
    assertThatThrownBy(() -> parse("--batch-max-size=0")).hasMessageContaining("--batch-max-size");
    assertThatThrownBy(() -> parse("--batch-max-wait=-5ms"))
        .hasMessageContaining("--batch-max-wait");
    assertThatThrownBy(() -> parse("--max-sub-batch=0"))
        .hasMessageContaining("--max-sub-batch must be auto or a whole number >= 1");
    assertThat(parse("--max-sub-batch=auto").maxSubBatch())
        .isEqualTo(EmbedderOptions.AUTO_SUB_BATCH);
    assertThatThrownBy(() -> parse("--intra-op-thread=2")).hasMessageContaining("unknown");
  }

  private static InferenceConfig parse(String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "--bootstrap-servers=k:9092";
    args[1] = "--registry-url=http://r:8081";
    args[2] = "--model-trusted-keys=" + KEY.publicBase64();
    System.arraycopy(extra, 0, args, 3, extra.length);
    for (String e : extra) {
      if (e.startsWith("--model-trusted-keys=")) {
        args[2] = e;
        args = java.util.Arrays.stream(args).distinct().toArray(String[]::new);
      }
    }
    return InferenceConfig.fromArgs(args);
  }
}
