package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.registry.SchemaRegistryException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** The one line a command prints when a secured cluster refuses it. */
class ClientCommandDescribeTest {

  @Test
  void aRefusedRequestNamesWhatWasRefusedAndThatAnAclIsMissing() {
    String line =
        ClientCommand.describe(
            new ExecutionException(new TopicAuthorizationException(Set.of("sieve.models"))),
            "127.0.0.1:9094");

    assertThat(line)
        .startsWith("TopicAuthorizationException: Not authorized to access topics: [sieve.models]")
        .contains("has no ACL for this")
        .doesNotContain("\n");
    assertThat(ClientCommand.describe(new GroupAuthorizationException("sieve-labelers")))
        .contains("has no ACL");
  }

  @Test
  void aFailedLoginPointsAtTheCredentialsWithoutShowingThem() {
    String line =
        ClientCommand.describe(
            new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL"
                    + " mechanism SCRAM-SHA-512"));

    assertThat(line)
        .startsWith("SaslAuthenticationException: Authentication failed")
        .contains("check the user and password in sasl.jaas.config");
  }

  @Test
  void aRegistryThatRefusesTheCommandPointsAtTheRegistryUser() {
    // As the serializer wraps it: the registry's 401 is found among the causes.
    String line =
        ClientCommand.describe(
            new IllegalStateException(
                "encoding failed",
                new SchemaRegistryException(
                    "Registry requires authentication while registering a schema under subject"
                        + " 'x', and no user and password were sent",
                    401,
                    401)));

    assertThat(line)
        .startsWith("SchemaRegistryException: Registry requires authentication")
        .contains("basic.auth.user.info goes in the --config file")
        .doesNotContain("\n");
    assertThat(
            ClientCommand.describe(
                new SchemaRegistryException("Registry denied access while x", 403, 403)))
        .contains("may not do this");
  }

  @Test
  void aFailedTlsHandshakePointsAtTheTruststore() {
    assertThat(ClientCommand.describe(new SslAuthenticationException("SSL handshake failed")))
        .contains("ssl.truststore.location");
  }
}
