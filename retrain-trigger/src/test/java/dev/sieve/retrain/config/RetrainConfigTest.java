package dev.sieve.retrain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainConfigTest {

  private static final String KEY = "s3cret-hmac-key";

  private static RetrainConfig parse(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--bootstrap-servers=k:9092", "--registry-url=http://r:8081"));
    args.addAll(List.of(extra));
    return RetrainConfig.fromArgs(args.toArray(String[]::new));
  }

  @Test
  void defaults() {
    RetrainConfig config = parse("--model-signing-key=" + KEY);

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
  void readsEveryKeyAndNeverPrintsTheSigningKey() {
    RetrainConfig config =
        parse(
            "--model-signing-key=" + KEY,
            "--retrain-every=7",
            "--min-retrain-interval=2s",
            "--publish-margin=0.02",
            "--max-examples=500");

    assertThat(config.retrainEvery()).isEqualTo(7);
    assertThat(config.minRetrainInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.publishMargin()).isEqualTo(0.02);
    assertThat(config.maxExamples()).isEqualTo(500);
    assertThat(config.toString()).doesNotContain(KEY);
    assertThat(config.describe().values()).doesNotContain(KEY);
  }

  @Test
  void failsFastOnAMissingKeyOrABadValue() {
    assertThatThrownBy(() -> parse())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model-signing-key");
    assertThatThrownBy(() -> parse("--model-signing-key=k", "--publish-margin=lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("publish-margin");
  }
}
