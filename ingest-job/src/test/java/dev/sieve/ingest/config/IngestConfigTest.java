package dev.sieve.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.config.ConfigException;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  private static final String[] REQUIRED = {
    "--bootstrap-servers", "kafka-1:9092,kafka-2:9092", "--registry-url", "http://registry:8081"
  };

  @Test
  void hasDocumentedDefaults() {
    IngestConfig config = IngestConfig.fromArgs(REQUIRED);

    assertThat(config.common().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.common().registry().urls()).containsExactly("http://registry:8081");
    assertThat(config.common().topicPrefix()).isEqualTo("sieve.");
    assertThat(config.common().delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(config.common().checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.common().groupId()).isEqualTo("sieve.ingest");
    assertThat(config.softCapChars()).isEqualTo(2_000);
    assertThat(config.hardCapChars()).isEqualTo(20_000);
    assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(config.inputTopic()).isEqualTo("sieve.content.raw");
    assertThat(config.contentTopic()).isEqualTo("sieve.content");
    assertThat(config.dlqTopic()).isEqualTo("sieve.content.dlq");
  }

  @Test
  void readsEveryKeyAndPassesKafkaPropertiesThrough() {
    IngestConfig config =
        IngestConfig.fromArgs(
            "--bootstrap-servers=k:9093",
            "--registry-url=https://r:8443/apis/ccompat/v7",
            "--topic-prefix=prod.",
            "--delivery=at-least-once",
            "--checkpoint-interval=30s",
            "--soft-cap-chars=100",
            "--hard-cap-chars=1000",
            "--dedup-ttl=2h",
            "--kafka.security.protocol=SSL",
            "--kafka.sasl.jaas.config=secret-stuff",
            "--registry.basic.auth.user.info=me:pw");

    assertThat(config.common().delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(config.common().checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.softCapChars()).isEqualTo(100);
    assertThat(config.hardCapChars()).isEqualTo(1000);
    assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(config.inputTopic()).isEqualTo("prod.content.raw");
    assertThat(config.common().kafkaClientProperties())
        .containsEntry("security.protocol", "SSL")
        .containsEntry("bootstrap.servers", "k:9093");
    assertThat(config.common().registry().basicAuthUserInfo()).isEqualTo("me:pw");
    assertThat(config.describe().toString()).doesNotContain("secret-stuff").doesNotContain(":pw");
  }

  @Test
  void failsFastNamingAMissingRequiredKey() {
    assertThatThrownBy(() -> IngestConfig.fromArgs("--registry-url", "http://r:8081"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--bootstrap-servers");
    assertThatThrownBy(() -> IngestConfig.fromArgs("--bootstrap-servers", "k:9092"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--registry-url");
  }

  @Test
  void rejectsMisspeltKeysAndBadValues() {
    assertThatThrownBy(() -> IngestConfig.fromArgs(with("--dedup-tll", "1h")))
        .hasMessageContaining("unknown argument(s): --dedup-tll");
    assertThatThrownBy(() -> IngestConfig.fromArgs(with("--delivery", "none")))
        .hasMessageContaining("--delivery");
    assertThatThrownBy(() -> IngestConfig.fromArgs(with("--soft-cap-chars", "50000")))
        .hasMessageContaining("--soft-cap-chars");
    assertThatThrownBy(() -> IngestConfig.fromArgs(with("--dedup-ttl", "soon")))
        .hasMessageContaining("--dedup-ttl");
    assertThatThrownBy(
            () ->
                IngestConfig.fromArgs(
                    "--bootstrap-servers", "localhost", "--registry-url", "http://r"))
        .hasMessageContaining("host:port");
  }

  private static String[] with(String key, String value) {
    String[] args = java.util.Arrays.copyOf(REQUIRED, REQUIRED.length + 2);
    args[REQUIRED.length] = key;
    args[REQUIRED.length + 1] = value;
    return args;
  }
}
