package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the commands take from the settings file and signing key that {@code ./sieve up} writes: the
 * file is read when nothing else says where Kafka is, flags and {@code --config} win, and the key
 * file it names signs as the secret in it.
 */
class LocalSettingsTest {

  @TempDir Path dir;

  private ConnectionOptions parse(Path defaultSettings, String... args) {
    ConnectionOptions options = new ConnectionOptions();
    options.defaultSettings = defaultSettings;
    new CommandLine(options).parseArgs(args);
    return options;
  }

  private Path settings() throws IOException {
    return Files.writeString(
        dir.resolve("sieve.properties"),
        """
        bootstrap.servers=127.0.0.1:19092
        schema.registry.url=http://127.0.0.1:19093/apis/ccompat/v7
        sieve.topic.prefix=sieve.
        """);
  }

  @Test
  void theDefaultSettingsFileIsReadWhenNoBrokerIsGiven() throws IOException {
    Map<String, String> props = parse(settings()).properties();
    assertThat(props)
        .containsEntry("bootstrap.servers", "127.0.0.1:19092")
        .containsEntry("schema.registry.url", "http://127.0.0.1:19093/apis/ccompat/v7");
  }

  @Test
  void flagsAndConfigWinOverTheDefaultSettingsFile() throws IOException {
    Path defaults = settings();
    Map<String, String> flagged =
        parse(defaults, "--bootstrap-servers", "elsewhere:9092").properties();
    assertThat(flagged)
        .containsEntry("bootstrap.servers", "elsewhere:9092")
        .doesNotContainKey("schema.registry.url");

    Path other = Files.writeString(dir.resolve("other.properties"), "bootstrap.servers=other:1\n");
    assertThat(parse(defaults, "--config", other.toString()).properties())
        .containsEntry("bootstrap.servers", "other:1")
        .doesNotContainKey("schema.registry.url");
  }

  @Test
  void aMissingDefaultSettingsFileStillAsksForTheBroker() {
    ConnectionOptions options = parse(dir.resolve("absent.properties"));
    assertThatThrownBy(options::properties).hasMessageContaining("missing --bootstrap-servers");
  }

  @Test
  void theKeyPairIsGeneratedOnceOwnerOnlyAndSignsThroughTheSettings() throws IOException {
    var pair = SigningKeyFile.readOrCreate(dir);

    assertThat(pair.privateKey()).isEqualTo(dir.resolve("model-signing.key"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pair.privateKey())))
        .isEqualTo("rw-------");
    assertThat(SigningKeyFile.readOrCreate(dir).keyId()).isEqualTo(pair.keyId());
    assertThat(SigningKeyFile.readOrCreate(dir.resolve("another")).keyId())
        .isNotEqualTo(pair.keyId());

    Map<String, String> props = Map.of(SigningKeyFile.PROPERTY, pair.privateKey().toString());
    assertThat(SigningKeyOption.resolve(null, props, Map.of()).keyId()).isEqualTo(pair.keyId());
    var other = SigningKeyFile.readOrCreate(dir.resolve("other"));
    assertThat(SigningKeyOption.resolve(other.privateKey(), props, Map.of()).keyId())
        .isEqualTo(other.keyId());
  }

  @Test
  void anOldSharedSecretIsRefusedWithWhatToDoInstead() throws IOException {
    Path old = dir.resolve("old.key");
    Files.writeString(old, "change-me-sieve-compose-signing-key\n");

    assertThatThrownBy(
            () ->
                SigningKeyOption.resolve(
                    null, Map.of(SigningKeyFile.PROPERTY, old.toString()), Map.of()))
        .hasMessageContaining("sample key")
        .hasMessageContaining("sieve keys generate");
    assertThatThrownBy(
            () ->
                SigningKeyOption.resolve(
                    null, Map.of("sieve.model.signing.key", "s3cret"), Map.of()))
        .hasMessageContaining("no longer accepted");
  }
}
