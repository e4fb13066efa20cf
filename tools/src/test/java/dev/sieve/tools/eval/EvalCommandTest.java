package dev.sieve.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.CommandGroups;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sieve eval} refuses a flag out of range before it reads or embeds anything. */
class EvalCommandTest {

  @Command(name = "sieve")
  static final class Root {}

  @Test
  void aNegativeLimitOrBudgetIsRefusedByName() {
    assertThat(eval("--limit-train", "-3"))
        .isEqualTo("sieve eval: --limit-train must be >= 0 (0: every train row)");
    assertThat(eval("--min-throughput", "-1"))
        .isEqualTo("sieve eval: --min-throughput must be >= 0 (0: no budget)");
  }

  /** Runs eval on a dataset that does not exist: only the flags can fail first. */
  private static String eval(String flag, String value) {
    CommandLine cl =
        new CommandGroups().add("Measure", List.of(EvalCommand.class)).commandLine(new Root());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("eval", "--dataset", "/no/such/dataset.jsonl", flag, value)).isEqualTo(1);
    return err.toString().strip();
  }
}
