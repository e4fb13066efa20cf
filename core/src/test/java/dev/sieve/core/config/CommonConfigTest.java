package dev.sieve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

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
