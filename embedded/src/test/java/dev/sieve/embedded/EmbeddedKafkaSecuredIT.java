package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured broker: SASL_SSL with SCRAM-SHA-512 on 127.0.0.1, TLS material made by keytool at
 * test time, users made with the Admin API, and the StandardAuthorizer enforcing ACLs.
 */
class EmbeddedKafkaSecuredIT {

  private static final String TOPIC = "secured.topic";
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.startSecured();
    kafka.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)));
    kafka.createUser("writer", "writer-password");
    kafka.createUser("reader", "reader-password");
    kafka.createAcls(
        List.of(
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL),
                new AccessControlEntry(
                    "User:writer", "*", AclOperation.WRITE, AclPermissionType.ALLOW))));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void listensOnLoopbackWithTlsMaterialMadeNow() {
    assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(kafka.isSecured()).isTrue();
    assertThat(Files.isRegularFile(kafka.tls().truststore())).isTrue();
    assertThat(kafka.adminClientProperties()).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void aUserWithAWriteAclWrites() throws Exception {
    try (KafkaProducer<String, String> producer =
        producer(kafka.clientProperties("writer", "writer-password"))) {
      assertThat(producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS))
          .isNotNull();
    }
  }

  @Test
  void aUserWithoutAnAclIsRefused() {
    try (KafkaProducer<String, String> producer =
        producer(kafka.clientProperties("reader", "reader-password"))) {
      assertThatThrownBy(
              () -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void aWrongPasswordFailsAuthentication() {
    try (Admin admin = admin(kafka.clientProperties("writer", "not-the-password"))) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void aClientWithoutCredentialsOrTlsIsRefused() {
    // PLAINTEXT against the SASL_SSL listener: no answer ever comes back, the call times out.
    try (Admin admin = admin(Map.of())) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TimeoutException.class);
    }
    // TLS but no SASL: the broker expects a SASL handshake and drops the connection.
    Map<String, String> tlsOnly =
        Map.of(
            "security.protocol",
            "SSL",
            "ssl.truststore.location",
            kafka.tls().truststore().toString(),
            "ssl.truststore.password",
            kafka.tls().truststorePassword(),
            "ssl.truststore.type",
            "PKCS12");
    try (Admin admin = admin(tlsOnly)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TimeoutException.class);
    }
    // SASL without trusting the broker's certificate: refused by the client's TLS check.
    Map<String, String> untrusted =
        Map.of(
            "security.protocol",
            "SASL_SSL",
            "sasl.mechanism",
            EmbeddedKafka.SCRAM_MECHANISM,
            "sasl.jaas.config",
            kafka.clientProperties("writer", "writer-password").get("sasl.jaas.config"));
    try (Admin admin = admin(untrusted)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
  }

  /**
   * docker-compose's topic-init creates each user as this does: {@code kafka-configs
   * --add-config-file} with a {@code SCRAM-SHA-512=iterations=8192,password=...} line (without the
   * brackets that {@code --add-config} needs), so that the password is never a program argument.
   * The user can then log in.
   */
  @Test
  void aUserCreatedWithKafkaConfigsFromAFileLogsIn(@TempDir Path dir) throws Exception {
    Path commandConfig = dir.resolve("admin.properties");
    Properties admin = new Properties();
    admin.putAll(kafka.adminClientProperties());
    try (var out = Files.newOutputStream(commandConfig)) {
      admin.store(out, null);
    }
    Path add =
        Files.writeString(
            dir.resolve("scram"), "SCRAM-SHA-512=iterations=8192,password=from-a-file\n");
    Exit.setExitProcedure(
        (code, message) -> {
          throw new AssertionError("kafka-configs exited with " + code + ": " + message);
        });
    try {
      ConfigCommand.main(
          new String[] {
            "--bootstrap-server",
            kafka.bootstrapServers(),
            "--command-config",
            commandConfig.toString(),
            "--alter",
            "--entity-type",
            "users",
            "--entity-name",
            "composed",
            "--add-config-file",
            add.toString()
          });
    } finally {
      Exit.resetExitProcedure();
    }
    await("the user made by kafka-configs logs in")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              try (Admin asUser = admin(kafka.clientProperties("composed", "from-a-file"))) {
                return asUser.describeCluster().clusterId().get(5, TimeUnit.SECONDS) != null;
              }
            });
  }

  private static KafkaProducer<String, String> producer(Map<String, String> security) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.putAll(security);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static Admin admin(Map<String, String> security) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.putAll(security);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }
}
