package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * A command that lets an exception escape still fails the way every command does: one line on
 * stderr naming the command and what is wrong, exit code 1, no stack trace.
 */
class CommandFailureTest {

  @Command(name = "sieve")
  static final class Root {}

  /** Fails as a command reading a file would, without catching anything itself. */
  @Command(name = "read")
  static final class Read implements Callable<Integer> {
    @Parameters String how;

    @Override
    public Integer call() throws Exception {
      throw switch (how) {
        case "missing" -> new NoSuchFileException("/data/nope.jsonl");
        case "denied" -> new AccessDeniedException("/root/secret.jsonl");
        case "bad-line" -> new java.io.IOException("/data/x.jsonl:3: missing field 'id'");
        default -> new IllegalArgumentException("--limit must be positive");
      };
    }
  }

  @Test
  void anEscapedExceptionIsOneLineNamingTheCommand() {
    assertThat(run("missing")).isEqualTo("sieve read: /data/nope.jsonl: no such file or directory");
    assertThat(run("denied")).isEqualTo("sieve read: /root/secret.jsonl: permission denied");
    assertThat(run("bad-line"))
        .isEqualTo("sieve read: IOException: /data/x.jsonl:3: missing field 'id'");
    assertThat(run("flag")).isEqualTo("sieve read: --limit must be positive");
  }

  private static String run(String how) {
    CommandLine cl = new CommandGroups().add("Test", List.of(Read.class)).commandLine(new Root());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute("read", how);
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).doesNotContain("\tat ").endsWith(System.lineSeparator());
    return err.toString().strip();
  }
}
