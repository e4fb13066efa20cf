package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.registry.RegistryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * How {@code --config}, {@code -X} and the flags merge, and which properties reach the Kafka
 * clients and the registry client. No broker: a SASL_SSL configuration is checked where it lands.
 */
class ConnectionConfigTest {

  @TempDir Path dir;

  private static ConnectionOptions parse(String... args) {
    ConnectionOptions options = new ConnectionOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("client.properties"), text);
  }

  @Test
  void flagsWinOverPropertiesWhichWinOverTheFile() throws IOException {
    Path config =
        file(
            """
            bootstrap.servers=file-host:9092
            schema.registry.url=http://file-registry:8081
            sieve.topic.prefix=prod.
            security.protocol=SSL
            linger.ms=7
            """);
    ConnectionOptions options =
        parse(
            "--config", config.toString(),
            "-X", "security.protocol=SASL_SSL",
            "--property", "bootstrap.servers=x-host:1",
            "--bootstrap-servers", "flag-host:9092");

    Map<String, String> props = options.properties();

    assertThat(props)
        .containsEntry("bootstrap.servers", "flag-host:9092")
        .containsEntry("schema.registry.url", "http://file-registry:8081")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "7");
    assertThat(options.topicPrefix()).isEqualTo("prod.");
    assertThat(options.topicPrefix).as("the field, as older commands read it").isEqualTo("prod.");
  }

  @Test
  void theTopicPrefixFlagWinsAndDefaultsToSieve() throws IOException {
    Path config = file("bootstrap.servers=h:1\nsieve.topic.prefix=prod.\n");
    assertThat(parse("--config", config.toString(), "--topic-prefix", "test.").topicPrefix())
        .isEqualTo("test.");
    assertThat(parse("--bootstrap-servers", "h:1").topicPrefix()).isEqualTo("sieve.");
  }

  @Test
  void theJobsKafkaPrefixIsAcceptedAndAPlainKeyWinsOverIt() throws IOException {
    Path config =
        file(
            "bootstrap.servers=h:1\n"
                + "kafka.security.protocol=SSL\n"
                + "kafka.sasl.mechanism=PLAIN\n"
                + "sasl.mechanism=SCRAM-SHA-256\n"
                + "client.id=  trailing-spaces   \n");
    Map<String, String> props = parse("--config", config.toString()).properties();
    assertThat(props)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("client.id", "trailing-spaces")
        .doesNotContainKeys("kafka.security.protocol", "kafka.sasl.mechanism");
  }

  @Test
  void missingBootstrapServersAndUnreadableFilesFailInOneLine() {
    assertThatThrownBy(() -> parse("--registry-url", "http://r:1").properties())
        .isInstanceOf(CliException.class)
        .hasMessage("missing --bootstrap-servers (or bootstrap.servers in the --config file)");
    assertThatThrownBy(() -> parse("--config", dir.resolve("nope").toString()).properties())
        .hasMessage("--config " + dir.resolve("nope") + ": no such file");
    assertThatThrownBy(() -> parse("--config", dir.toString()).properties())
        .hasMessage("--config " + dir + ": is a directory, not a properties file");
  }

  @Test
  void aSaslSslConfigFileReachesTheKafkaClientsAndTheRegistryKeysDoNot() throws IOException {
    Path config =
        file(
            """
            bootstrap.servers=broker-1.example.com:9093,broker-2.example.com:9093
            security.protocol=SASL_SSL
            sasl.mechanism=SCRAM-SHA-512
            sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
              username="sieve" password="kafka-secret";
            ssl.truststore.location=/etc/sieve/kafka-truststore.p12
            ssl.truststore.password=truststore-secret
            ssl.endpoint.identification.algorithm=https
            schema.registry.url=https://registry.example.com
            basic.auth.credentials.source=USER_INFO
            basic.auth.user.info=sieve:registry-secret
            auto.register.schemas=false
            sieve.model.signing.key=signing-secret
            """);
    ConnectionOptions options = parse("--config", config.toString(), "--timeout", "5s");

    try (SieveClients clients = new SieveClients(options)) {
      for (Map<String, Object> kafka :
          List.of(clients.producerProperties(), clients.consumerProperties())) {
        assertThat(kafka)
            .containsEntry(
                "bootstrap.servers", "broker-1.example.com:9093,broker-2.example.com:9093")
            .containsEntry("security.protocol", "SASL_SSL")
            .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
            .containsEntry(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"sieve\" password=\"kafka-secret\";")
            .containsEntry("ssl.truststore.location", "/etc/sieve/kafka-truststore.p12")
            .containsEntry("ssl.truststore.password", "truststore-secret")
            .doesNotContainKeys(
                "schema.registry.url",
                "basic.auth.credentials.source",
                "basic.auth.user.info",
                "auto.register.schemas",
                "sieve.model.signing.key",
                "sieve.topic.prefix");
      }
      // Kafka's own config parser accepts them, with their types
      ProducerConfig producer = new ProducerConfig(withSerializers(clients.producerProperties()));
      assertThat(producer.getString("security.protocol")).isEqualTo("SASL_SSL");
      assertThat(producer.getPassword(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG))
          .isEqualTo(new Password("truststore-secret"));
      assertThat(producer.getString(ProducerConfig.ACKS_CONFIG)).isIn("all", "-1");
      assertThat(producer.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
      ConsumerConfig consumer = new ConsumerConfig(withSerializers(clients.consumerProperties()));
      assertThat(consumer.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
      assertThat(consumer.getInt(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)).isEqualTo(5_000);
      assertThat(consumer.getString(ConsumerConfig.GROUP_ID_CONFIG)).isNull();
    }

    RegistryConfig registry =
        SieveClients.registryConfig(options.properties(), Duration.ofSeconds(5));
    assertThat(registry.urls()).containsExactly("https://registry.example.com");
    assertThat(registry.basicAuthUserInfo()).isEqualTo("sieve:registry-secret");
    assertThat(registry.maxRetryTimeMs()).isEqualTo(5_000);
  }

  /** The byte-array (de)serializers the commands pass to the client constructors. */
  private static Map<String, Object> withSerializers(Map<String, Object> props) {
    Map<String, Object> all = new HashMap<>(props);
    all.put("key.serializer", ByteArraySerializer.class);
    all.put("value.serializer", ByteArraySerializer.class);
    all.put("key.deserializer", ByteArrayDeserializer.class);
    all.put("value.deserializer", ByteArrayDeserializer.class);
    return all;
  }

  @Test
  void aUsersAcksSettingCannotWeakenProduce() {
    ConnectionOptions options =
        parse("--bootstrap-servers", "h:1", "--registry-url", "http://r:1", "-X", "acks=1");
    try (SieveClients clients = new SieveClients(options)) {
      assertThat(clients.producerProperties()).containsEntry("acks", "all");
    }
  }

  @Test
  void durationsReadFlinksSyntax() {
    ConnectionOptions.DurationConverter converter = new ConnectionOptions.DurationConverter();
    assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("2 h")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> converter.convert("0s")).hasMessageContaining("must be positive");
  }
}
