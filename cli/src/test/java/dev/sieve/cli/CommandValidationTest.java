package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
    Map<String, String> props = Map.of(SigningKeyOption.PROPERTY, "from-config");
    Map<String, String> env = Map.of(SigningKeyOption.ENV, "from-env");
    assertThat(string(SigningKeyOption.resolve("from-flag", props, env))).isEqualTo("from-flag");
    assertThat(string(SigningKeyOption.resolve(null, props, env))).isEqualTo("from-config");
    assertThat(string(SigningKeyOption.resolve(null, Map.of(), env))).isEqualTo("from-env");
    assertThat(SigningKeyOption.resolve(null, Map.of(), Map.of())).isNull();
  }

  private static String string(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
