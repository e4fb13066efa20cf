package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
