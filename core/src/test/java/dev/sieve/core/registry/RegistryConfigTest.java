package dev.sieve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void defaultsNeedOnlyTheUrl() {
    RegistryConfig config =
        RegistryConfig.fromProperties(Map.of("schema.registry.url", "http://registry:8081/"));

    assertThat(config.urls()).containsExactly("http://registry:8081");
    assertThat(config.basicAuthUserInfo()).isNull();
    assertThat(config.hasTlsStores()).isFalse();
    assertThat(config.maxRetries()).isEqualTo(RegistryConfig.DEFAULT_MAX_RETRIES);
    assertThat(config.retryBackoffMs()).isEqualTo(RegistryConfig.DEFAULT_RETRY_BACKOFF_MS);
    assertThat(config.requestTimeoutMs()).isEqualTo(RegistryConfig.DEFAULT_REQUEST_TIMEOUT_MS);
    assertThat(config.maxRetryTimeMs()).isEqualTo(RegistryConfig.DEFAULT_MAX_RETRY_TIME_MS);
  }

  @Test
  void readsConfluentPropertyNamesAndSieveRetrySettings() {
    Map<String, Object> props =
        Map.ofEntries(
            Map.entry("schema.registry.url", "https://a:8081, https://b:8081"),
            Map.entry("basic.auth.credentials.source", "USER_INFO"),
            Map.entry("basic.auth.user.info", "sieve:s3cret"),
            Map.entry("schema.registry.ssl.truststore.location", "/etc/trust.p12"),
            Map.entry("schema.registry.ssl.truststore.password", "tpw"),
            Map.entry("schema.registry.ssl.truststore.type", "JKS"),
            Map.entry("schema.registry.ssl.keystore.location", "/etc/keys.p12"),
            Map.entry("schema.registry.ssl.keystore.password", "kpw"),
            Map.entry("sieve.registry.max.retries", 2),
            Map.entry("sieve.registry.retry.backoff.ms", "250"),
            Map.entry("sieve.registry.request.timeout.ms", 3000L),
            Map.entry("bootstrap.servers", "ignored:9092"));

    RegistryConfig config = RegistryConfig.fromProperties(props);

    assertThat(config.urls()).containsExactly("https://a:8081", "https://b:8081");
    assertThat(config.basicAuthUserInfo()).isEqualTo("sieve:s3cret");
    assertThat(config.truststoreLocation()).isEqualTo("/etc/trust.p12");
    assertThat(config.truststorePassword()).isEqualTo("tpw");
    assertThat(config.truststoreType()).isEqualTo("JKS");
    assertThat(config.keystoreLocation()).isEqualTo("/etc/keys.p12");
    assertThat(config.keystoreType()).isEqualTo("PKCS12");
    assertThat(config.maxRetries()).isEqualTo(2);
    assertThat(config.retryBackoffMs()).isEqualTo(250);
    assertThat(config.requestTimeoutMs()).isEqualTo(3000);
  }

  @Test
  void credentialsFromTheUrlAreTakenOutOfIt() {
    RegistryConfig config =
        RegistryConfig.fromProperties(
            Map.of(
                "schema.registry.url", "http://sieve:p%40ss@registry:8081",
                "basic.auth.credentials.source", "URL"));

    assertThat(config.urls()).containsExactly("http://registry:8081");
    assertThat(config.basicAuthUserInfo()).isEqualTo("sieve:p@ss");
  }

  @Test
  void rejectsWhatCannotWork() {
    assertThatThrownBy(() -> RegistryConfig.fromProperties(Map.of()))
        .hasMessageContaining("schema.registry.url is required");
    assertThatThrownBy(
            () -> RegistryConfig.fromProperties(Map.of("schema.registry.url", "registry:8081")))
        .hasMessageContaining("must be an http(s) URL");
    assertThatThrownBy(
            () ->
                RegistryConfig.fromProperties(
                    Map.of(
                        "schema.registry.url", "http://r",
                        "sieve.registry.max.retries", "many")))
        .hasMessageContaining("sieve.registry.max.retries must be a whole number");
    assertThatThrownBy(
            () ->
                RegistryConfig.fromProperties(
                    Map.of(
                        "schema.registry.url", "http://r",
                        "basic.auth.credentials.source", "SASL_INHERIT")))
        .hasMessageContaining("not supported");
  }

  @Test
  void toStringHidesSecrets() {
    RegistryConfig config =
        RegistryConfig.forUrl("http://r")
            .withBasicAuth("sieve:s3cret")
            .withTls("/t.p12", "tpw", null, "/k.p12", "kpw", null);

    assertThat(config.toString()).contains("sieve:******").doesNotContain("s3cret", "tpw", "kpw");
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    RegistryConfig config =
        RegistryConfig.forUrl("http://r:8081").withBasicAuth("u:p").withRetries(1, 5, 100, 1000);

    assertThat(roundTrip(config)).isEqualTo(config);
    assertThat(((RegistryConfig) roundTrip(config)).urls()).isEqualTo(List.of("http://r:8081"));
  }

  private static Object roundTrip(Object value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}
