package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Checks that need no Kafka: argument validation and one-line errors. */
class CommandValidationTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SieveCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void labelsMustBeAtLeastTwoDistinct() {
    assertThat(ClassifierCreateCommand.validLabels(List.of(" a", "b "))).containsExactly("a", "b");
    assertThatThrownBy(() -> ClassifierCreateCommand.validLabels(List.of("a")))
        .hasMessageContaining("at least two distinct labels");
    assertThatThrownBy(() -> ClassifierCreateCommand.validLabels(List.of("a", "a")))
        .hasMessageContaining("'a' is given twice");
    assertThatThrownBy(() -> ClassifierCreateCommand.validLabels(List.of("a", " ")))
        .hasMessageContaining("blank");
  }

  @Test
  void descriptionsMustMatchTheLabels() {
    assertThat(ClassifierCreateCommand.validDescriptions(null, 2)).isEmpty();
    assertThat(ClassifierCreateCommand.validDescriptions(List.of("x ", " y"), 2))
        .containsExactly("x", "y");
    assertThatThrownBy(() -> ClassifierCreateCommand.validDescriptions(List.of("x"), 2))
        .hasMessageContaining("1 description(s) for 2 labels");
  }

  @Test
  void createFailsInOneLineBeforeConnecting() {
    Run r = run("classifier", "create", "spam", "--labels", "spam");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "sieve classifier create: --labels: give at least two distinct labels, e.g. --labels"
                + " spam,ham"
                + System.lineSeparator());
    Run d = run("classifier", "create", "spam", "--labels", "a,b,c", "--descriptions", "x|y");
    assertThat(d.exit()).isEqualTo(1);
    assertThat(d.err()).contains("2 description(s) for 3 labels");
  }

  @Test
  void missingConnectionIsOneLine() {
    Run r = run("models");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo(
            "sieve models: missing --bootstrap-servers (or bootstrap.servers in the --config file)");
    assertThat(run("retrain", "spam", "--reason", "whim", "--bootstrap-servers", "x:1").err())
        .contains("--reason: 'whim' is not one of manual, drift, new-labels");
  }

  @Test
  void signingKeyPrecedenceIsFlagThenPropertyThenEnvironment() {
    var flag = dev.sieve.model.KeyPairFiles.throwaway();
    var config = dev.sieve.model.KeyPairFiles.throwaway();
    var env = dev.sieve.model.SigningKey.generate();
    Map<String, String> props = Map.of(SigningKeyOption.PROPERTY, config.privateKey().toString());
    Map<String, String> environment = Map.of(SigningKeyOption.ENV, env.privatePem());
    assertThat(SigningKeyOption.resolve(flag.privateKey(), props, environment).keyId())
        .isEqualTo(flag.keyId());
    assertThat(SigningKeyOption.resolve(null, props, environment).keyId())
        .isEqualTo(config.keyId());
    assertThat(SigningKeyOption.resolve(null, Map.of(), environment).keyId())
        .isEqualTo(env.keyId());
    assertThat(SigningKeyOption.resolve(null, Map.of(), Map.of())).isNull();
  }

  @Test
  void keysGenerateWritesAnOwnerOnlyPairAndNeverOverwritesIt(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Run first = run("keys", "generate", "--out", dir.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    String keyId = dev.sieve.model.SigningKey.read(dir.resolve("model-signing.key")).keyId();
    assertThat(first.out()).contains("key id       " + keyId).doesNotContain("PRIVATE");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(dir.resolve("model-signing.key"))))
        .isEqualTo("rw-------");
    assertThat(java.nio.file.Files.readString(dir.resolve("model-signing.pub")))
        .startsWith("-----BEGIN PUBLIC KEY-----");

    Run again = run("keys", "generate", "--out", dir.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("refusing to overwrite");
  }
}
