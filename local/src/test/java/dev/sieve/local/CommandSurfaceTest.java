package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every command of {@code ./sieve}, with its positional parameters and flags, is the one users
 * have: {@code commands.txt} lists them (one line a command), and a command or flag that disappears
 * or is renamed fails here. A new one is added to the list on purpose.
 */
class CommandSurfaceTest {

  @Test
  void everyCommandAndFlagIsStillThere() throws IOException {
    assertThat(surface(Sieve.commandLine())).containsExactlyElementsOf(expected());
  }

  @Test
  void theOperatorCliHasTheOperateCommandsAndNothingThatNeedsFlink() throws IOException {
    CommandLine operator = SieveCli.commandLine();
    List<String> expected =
        expected().stream()
            .filter(
                line ->
                    !line.matches(
                        "sieve (up|down|demo|chaos|bench|eval|eval-al|calibrate-drift)( .*)? ::.*"))
            .toList();
    assertThat(surface(operator)).containsExactlyElementsOf(expected);
  }

  @Test
  void helpListsTheCommandsUnderTheirHeadings() {
    String help = Sieve.commandLine().getUsageMessage();
    assertThat(help)
        .containsSubsequence(
            "Run locally:", "up", "down", "demo", "Operate:", "topics", "Measure:", "eval");
  }

  private static List<String> expected() throws IOException {
    try (InputStream in = CommandSurfaceTest.class.getResourceAsStream("/commands.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }

  /** {@code sieve models show <classifier> <version> :: --bootstrap-servers …}, sorted by path. */
  private static List<String> surface(CommandLine root) {
    List<String> lines = new ArrayList<>();
    walk(root, "", lines);
    return lines;
  }

  private static void walk(CommandLine cl, String prefix, List<String> out) {
    CommandSpec spec = cl.getCommandSpec();
    String path = (prefix + " " + spec.name()).trim();
    List<String> options = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      options.add(o.longestName());
    }
    options.sort(null);
    List<String> positionals = new ArrayList<>();
    for (PositionalParamSpec p : spec.positionalParameters()) {
      positionals.add(p.paramLabel());
    }
    out.add(
        path
            + (positionals.isEmpty() ? "" : " " + String.join(" ", positionals))
            + " :: "
            + String.join(" ", options));
    for (CommandLine sub : new TreeMap<>(cl.getSubcommands()).values()) {
      walk(sub, path, out);
    }
  }
}
