package dev.sieve.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that talk to a Kafka cluster and registry: output goes to picocli's writers
 * (so tests can capture it), and any failure becomes one line on stderr and exit code 1.
 */
abstract class ClientCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** The command's work; returns the exit code. */
  abstract int run(PrintWriter out, PrintWriter err) throws Exception;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } catch (Exception e) {
      err.println("sieve " + spec.qualifiedName(" ").replaceFirst("^sieve ", "") + ": " + describe(e));
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** One line: the message of the innermost useful cause. */
  static String describe(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage();
    if ((t instanceof CliException || t instanceof IllegalArgumentException) && message != null) {
      return message.replace('\n', ' ');
    }
    String line = t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
      line += " (is Kafka reachable at the bootstrap servers given, and does the topic exist?)";
    }
    return line.replace('\n', ' ');
  }
}
