package dev.sieve.core.registry;

import static dev.sieve.core.registry.ScriptedRegistryServer.Answer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.sieve.schemas.ContentEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS options end to end: a self-signed certificate made with the JDK's keytool, an HTTPS registry
 * stand-in on 127.0.0.1 that requires a client certificate, and clients built from Confluent's
 * {@code schema.registry.ssl.*} properties.
 */
class RestSchemaRegistryClientTlsTest {

  private static final String PASSWORD = "changeit";
  private static final Schema SCHEMA = ContentEvent.getClassSchema();

  @TempDir static Path dir;
  private static Path keystore;
  private static Path truststore;

  @BeforeAll
  static void makeCertificate() throws Exception {
    keystore = dir.resolve("registry.p12");
    truststore = dir.resolve("trust.p12");
    Path cert = dir.resolve("registry.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "registry",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "registry",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "registry",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        PASSWORD);
  }

  @Test
  void talksToAnHttpsRegistryWithTruststoreAndClientCertificate() {
    try (ScriptedRegistryServer server = mutualTlsServer()) {
      RegistryConfig config =
          RegistryConfig.fromProperties(
              Map.of(
                  RegistryConfig.URL,
                  server.url(),
                  RegistryConfig.TRUSTSTORE_LOCATION,
                  truststore.toString(),
                  RegistryConfig.TRUSTSTORE_PASSWORD,
                  PASSWORD,
                  RegistryConfig.KEYSTORE_LOCATION,
                  keystore.toString(),
                  RegistryConfig.KEYSTORE_PASSWORD,
                  PASSWORD,
                  RegistryConfig.KEYSTORE_TYPE,
                  "PKCS12"));

      assertThat(new RestSchemaRegistryClient(config).schemaById(1)).isEqualTo(SCHEMA);
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void withoutTheTruststoreTheHandshakeFails() {
    try (ScriptedRegistryServer server = mutualTlsServer()) {
      RegistryConfig config = RegistryConfig.forUrl(server.url()).withRetries(0, 10, 2_000, 1_000);

      assertThatThrownBy(() -> new RestSchemaRegistryClient(config).schemaById(1))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("SSLHandshakeException");
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void aWrongStorePasswordFailsAtConstruction() {
    RegistryConfig config =
        RegistryConfig.forUrl("https://127.0.0.1:1")
            .withTls(truststore.toString(), "wrong", "PKCS12", null, null, null);

    assertThatThrownBy(() -> new RestSchemaRegistryClient(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truststore")
        .hasMessageContaining(truststore.toString());
  }

  private static ScriptedRegistryServer mutualTlsServer() {
    // The server presents the key pair and trusts the same certificate from its clients.
    SSLContext context =
        SslContexts.of(
            RegistryConfig.forUrl("https://127.0.0.1")
                .withTls(
                    truststore.toString(),
                    PASSWORD,
                    "PKCS12",
                    keystore.toString(),
                    PASSWORD,
                    "PKCS12"));
    ScriptedRegistryServer server =
        ScriptedRegistryServer.startTls(
            new HttpsConfigurator(context) {
              @Override
              public void configure(HttpsParameters params) {
                params.setNeedClientAuth(true);
              }
            },
            json(200, RestSchemaRegistryClientTest.schemaAnswer(SCHEMA)));
    return server;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }
}
