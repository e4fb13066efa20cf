package dev.sieve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommonConfigTest {

  private static CommonConfig parse(String... extra) {
    String[] base = {"--bootstrap-servers=k1:9092,k2:9092", "--registry-url=http://r:8081"};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    JobArguments args = JobArguments.parse(all);
    CommonConfig config = CommonConfig.from(args, "inference");
    args.failOnUnknown();
    return config;
  }

  @Test
  void derivesNamesFromThePrefixAndJob() {
    CommonConfig config = parse("--topic-prefix=blue.");

    assertThat(config.topic(Topics.CONTENT)).isEqualTo("blue.content");
    assertThat(config.groupId()).isEqualTo("blue.inference");
    assertThat(config.transactionalIdPrefix()).isEqualTo("blue.inference");
    assertThat(config.delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
  }

  @Test
  void passesKafkaAndRegistryPropertiesThroughAndMasksSecrets() {
    CommonConfig config =
        parse(
            "--kafka.security.protocol=SASL_SSL",
            "--kafka.sasl.jaas.config=org.Login required password=\"hunter2\";",
            "--kafka.ssl.truststore.password=hunter3",
            "--registry.basic.auth.user.info=u:hunter4");

    assertThat(config.kafkaClientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092");
    assertThat(config.registry().basicAuthUserInfo()).isEqualTo("u:hunter4");
    assertThat(config.toString()).doesNotContain("hunter").contains("SASL_SSL");
  }

  @Test
  void readsKafkaAndRegistryPropertiesFromAFileWithConfigProviderReferencesKept(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("client.properties");
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"jobs\""
            + " password=\"${file:/run/secrets/kafka.secrets:jobs.password}\";";
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=" + jaas.replace("\\", "\\\\"),
            "config.providers=file,env",
            "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
            "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            "ssl.truststore.password=${env:SIEVE_TRUSTSTORE_PASSWORD}",
            "ssl.keystore.key=-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----",
            "basic.auth.user.info=${file:/run/secrets/registry.secrets:user.info}",
            "acks=all"));

    CommonConfig config = parse("--kafka-properties=" + file, "--kafka.acks=1");

    assertThat(config.kafkaClientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", jaas)
        .containsEntry("config.providers", "file,env")
        .containsEntry("ssl.truststore.password", "${env:SIEVE_TRUSTSTORE_PASSWORD}")
        .containsEntry("acks", "1") // --kafka.* wins over the file
        .doesNotContainKey("basic.auth.user.info");
    assertThat(config.registry().basicAuthUserInfo())
        .isEqualTo("${file:/run/secrets/registry.secrets:user.info}");
    assertThat(config.registry().configProviders()).containsEntry("config.providers", "file,env");
    Map<String, String> shown = config.describe();
    assertThat(shown.get("kafka.sasl.jaas.config")).isEqualTo(Secrets.MASK);
    assertThat(shown.get("kafka.ssl.keystore.key")).isEqualTo(Secrets.MASK);
    assertThat(shown.get("kafka.ssl.truststore.password"))
        .isEqualTo("${env:SIEVE_TRUSTSTORE_PASSWORD}");
    assertThat(config.toString()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void aMissingPropertiesFileFailsWithOneLine(@TempDir Path dir) {
    assertThatThrownBy(() -> parse("--kafka-properties=" + dir.resolve("nope.properties")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--kafka-properties")
        .hasMessageContaining("no such file");
  }

  @Test
  void isSerializableForOperators() throws Exception {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(parse("--kafka.acks=all"));
    }
  }

  @Test
  void failsFastOnMissingOrBadValues() {
    assertThatThrownBy(() -> CommonConfig.from(JobArguments.parse("--registry-url=http://r"), "j"))
        .hasMessageContaining("--bootstrap-servers");
    assertThatThrownBy(() -> CommonConfig.from(JobArguments.parse("--bootstrap-servers=k:1"), "j"))
        .hasMessageContaining("--registry-url");
    assertThatThrownBy(() -> parse("--delivery=none")).hasMessageContaining("--delivery");
    assertThatThrownBy(
            () ->
                CommonConfig.from(
                    JobArguments.parse("--bootstrap-servers=k:1", "--registry-url=ftp://r"), "j"))
        .hasMessageContaining("registry");
  }
}
