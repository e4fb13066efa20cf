package dev.sieve.retrain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.config.ConfigException;
import dev.sieve.model.KeyPairFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrainConfigTest {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();

  private static RetrainConfig parse(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--bootstrap-servers=k:9092", "--registry-url=http://r:8081"));
    args.addAll(List.of(extra));
    return RetrainConfig.fromArgs(args.toArray(String[]::new));
  }

  @Test
  void defaults() {
    RetrainConfig config = parse(KEYS.publisherArgs());

    assertThat(config.retrainEvery()).isEqualTo(50);
    assertThat(config.minRetrainInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.publishMargin()).isEqualTo(0.01);
    assertThat(config.maxExamples()).isEqualTo(10_000);
    assertThat(config.labelledTopic()).isEqualTo("sieve.labelled");
    assertThat(config.requestsTopic()).isEqualTo("sieve.retrain.requests");
    assertThat(config.modelsTopic()).isEqualTo("sieve.models");
    assertThat(config.common().groupId()).isEqualTo("sieve.retrain");
  }

  @Test
  void readsEveryKeyAndNeverPrintsTheSigningKey() throws Exception {
    RetrainConfig config =
        parse(
            "--signing-key-file=" + KEYS.privateKey(),
            "--model-trusted-keys=" + KEYS.publicKey(),
            "--max-head-bytes=1000",
            "--retrain-every=7",
            "--min-retrain-interval=2s",
            "--publish-margin=0.02",
            "--max-examples=500");

    assertThat(config.retrainEvery()).isEqualTo(7);
    assertThat(config.minRetrainInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.publishMargin()).isEqualTo(0.02);
    assertThat(config.maxExamples()).isEqualTo(500);
    assertThat(config.bounds().maxHeadBytes()).isEqualTo(1000);
    assertThat(config.trustedKeys().ids()).containsExactly(KEYS.keyId());
    assertThat(config.signingKey().load().keyId()).isEqualTo(KEYS.keyId());
    String privateBlock = Files.readString(KEYS.privateKey()).lines().skip(1).findFirst().get();
    assertThat(config.toString()).doesNotContain(privateBlock).contains(KEYS.keyId());
    assertThat(String.join(" ", config.describe().values())).doesNotContain(privateBlock);
  }

  @Test
  void refusesTheOldSharedSecretAndKnownSampleKeys(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> parse("--model-signing-key=change-me-sieve-compose-signing-key"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no longer accepted")
        .hasMessageContaining("--signing-key-file");
    Path sample = dir.resolve("old.key");
    Files.writeString(sample, "change-me-sieve-compose-signing-key\n");
    assertThatThrownBy(
            () -> parse("--signing-key-file=" + sample, "--model-trusted-keys=" + KEYS.publicKey()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sample key");
    assertThatThrownBy(
            () ->
                parse(
                    "--signing-key-file=" + KEYS.privateKey(),
                    "--model-trusted-keys=" + KEYS.privateKey()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds a private key");
  }

  @Test
  void failsFastOnAMissingKeyOrABadValue() {
    assertThatThrownBy(() -> parse("--model-trusted-keys=" + KEYS.publicKey()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--signing-key-file")
        .hasMessageContaining("SIEVE_MODEL_SIGNING_KEY");
    assertThatThrownBy(() -> parse("--signing-key-file=" + KEYS.privateKey()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--model-trusted-keys");
    assertThatThrownBy(
            () ->
                parse(
                    "--signing-key-file=" + KEYS.privateKey(),
                    "--model-trusted-keys=" + KEYS.publicKey(),
                    "--publish-margin=lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("publish-margin");
  }
}
