package dev.sieve.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

  private static final String PEM_KEY =
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n"
          + "-----END PRIVATE KEY-----";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sasl.jaas.config",
        "kafka.sasl.jaas.config",
        "ssl.keystore.password",
        "ssl.key.password",
        "ssl.truststore.password",
        "ssl.keystore.key",
        "ssl.keystore.certificate.chain",
        "ssl.truststore.certificates",
        "listener.name.broker.ssl.keystore.key",
        "basic.auth.user.info",
        "schema.registry.basic.auth.user.info",
        "sasl.oauthbearer.client.credentials.client.secret",
        "client-secret",
        "model-signing-key",
        "sieve.signing.private-key",
        "api_key",
        "aws.secret.access.key",
        "SASL.JAAS.CONFIG"
      })
  void masksSecretKeys(String key) {
    assertThat(Secrets.isSecretKey(key)).as(key).isTrue();
    assertThat(Secrets.mask(key, "hunter2")).isEqualTo(Secrets.MASK);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bootstrap.servers",
        "security.protocol",
        "sasl.mechanism",
        "key.serializer",
        "key.deserializer",
        "ssl.keystore.location",
        "ssl.keystore.type",
        "ssl.truststore.location",
        "ssl.keymanager.algorithm",
        "model-public-key",
        "model.public.key",
        "model-signing-key-file",
        "signing.key.id",
        "group-id"
      })
  void showsWhatIsNotSecret(String key) {
    assertThat(Secrets.isSecretKey(key)).as(key).isFalse();
    assertThat(Secrets.mask(key, "visible")).isEqualTo("visible");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssl.keystore.certificate", "some.setting", "model-public-key"})
  void masksAPemPrivateKeyUnderAnyName(String key) {
    assertThat(Secrets.mask(key, PEM_KEY)).isEqualTo(Secrets.MASK);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "${file:/run/secrets/kafka.properties:password}",
        "${env:SIEVE_KAFKA_PASSWORD}",
        "${dir:/run/secrets:kafka-password}"
      })
  void showsAConfigProviderReferenceForWhatItIs(String reference) {
    assertThat(Secrets.mask("ssl.truststore.password", reference)).isEqualTo(reference);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
            + " password=\"${file:/s/k.properties:password}\";",
        "prefix-${env:X}-hunter2"
      })
  void masksAValueThatOnlyContainsAReference(String value) {
    assertThat(Secrets.mask("sasl.jaas.config", value)).isEqualTo(Secrets.MASK);
  }
}
