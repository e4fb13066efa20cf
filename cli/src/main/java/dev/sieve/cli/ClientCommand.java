package dev.sieve.cli;

import dev.sieve.core.registry.SchemaRegistryException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that talk to a Kafka cluster and registry: output goes to picocli's writers
 * (so tests can capture it), and any failure becomes one line on stderr and exit code 1.
 *
 * <p>Commands in other packages cannot override the package-private {@link #run}; they implement
 * {@link Callable} and hand their body to {@link #reportingFailures}, which behaves the same.
 */
public abstract class ClientCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ClientCommand.class);

  @Spec CommandSpec spec;

  /** The command's work; returns the exit code. */
  abstract int run(PrintWriter out, PrintWriter err) throws Exception;

  @Override
  public final Integer call() {
    return reportingFailures(spec, this::run);
  }

  /** The work of a command, writing to picocli's out and err. */
  @FunctionalInterface
  public interface Body {
    int run(PrintWriter out, PrintWriter err) throws Exception;
  }

  /**
   * Runs {@code body} with the command's writers; any failure becomes one line, {@code sieve
   * <command>: <what is wrong>}, on err and exit code 1. A Kafka timeout names the bootstrap
   * servers of the command's {@link ConnectionOptions}, if it has them.
   */
  public static int reportingFailures(CommandSpec spec, Body body) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return body.run(out, err);
    } catch (Exception e) {
      return reportFailure(spec, e);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Prints {@code sieve <command>: <what is wrong>} on the command's err and returns exit code 1;
   * the stack trace goes to the log file only. {@link CommandGroups} also hands it the failures of
   * commands that do not use {@link #reportingFailures}, so no command shows a user a stack trace.
   */
  public static int reportFailure(CommandSpec spec, Exception e) {
    String command = spec.qualifiedName(" ").replaceFirst("^sieve ", "");
    LOG.info("sieve {} failed", command, e);
    PrintWriter err = spec.commandLine().getErr();
    err.println("sieve " + command + ": " + describe(e, bootstrapServers(spec)));
    err.flush();
    return 1;
  }

  /** One line: the message of the innermost useful cause (also used by sub-package commands). */
  public static String describe(Throwable e) {
    return describe(e, null);
  }

  /**
   * One line: the message of the innermost useful cause; a Kafka timeout says which servers did not
   * answer, when known.
   */
  public static String describe(Throwable e, String bootstrapServers) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    SchemaRegistryException refused = registryRefusal(t);
    if (refused != null) {
      t = refused;
    }
    String message = t.getMessage();
    if ((t instanceof CliException || t instanceof IllegalArgumentException) && message != null) {
      return message.replace('\n', ' ');
    }
    // The JDK's file exceptions carry only the path: say what the operating system said about it.
    if (t instanceof NoSuchFileException f && f.getReason() == null) {
      return f.getFile() + ": no such file or directory";
    }
    if (t instanceof AccessDeniedException f && f.getReason() == null) {
      return f.getFile() + ": permission denied";
    }
    String line = t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    if (t instanceof org.apache.kafka.common.errors.AuthorizationException) {
      line +=
          " (the principal this command logs in as, the username in sasl.jaas.config, has no ACL"
              + " for this; ask the cluster's administrator, or use the right principal)";
    } else if (t instanceof org.apache.kafka.common.errors.SaslAuthenticationException) {
      line +=
          " (check the user and password in sasl.jaas.config, and sasl.mechanism; a password"
              + " read through a config provider comes from the file or variable it names)";
    } else if (refused != null) {
      line +=
          refused.httpStatus() == 401
              ? " (basic.auth.user.info goes in the --config file: user:password, or a"
                  + " config-provider reference to the file or variable that holds it)"
              : " (the registry user, the one in basic.auth.user.info, may not do this; ask the"
                  + " registry's administrator)";
    } else if (t instanceof org.apache.kafka.common.errors.SslAuthenticationException) {
      line +=
          " (the TLS handshake failed: does ssl.truststore.location hold the CA of the broker's"
              + " certificate, and does the certificate name the host in bootstrap.servers?)";
    }
    if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
      line +=
          bootstrapServers == null
              ? " (is Kafka reachable at the bootstrap servers given, and does the topic exist?)"
              : " (is Kafka reachable at "
                  + bootstrapServers
                  + ", does security.protocol match its listener, and does the topic exist?)";
    }
    return line.replace('\n', ' ');
  }

  /** A 401 or 403 answer of the schema registry among {@code t} and its causes, or null. */
  private static SchemaRegistryException registryRefusal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SchemaRegistryException r
          && (r.httpStatus() == 401 || r.httpStatus() == 403)) {
        return r;
      }
    }
    return null;
  }

  /** The bootstrap servers of the command's connection options, or null. */
  private static String bootstrapServers(CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof ConnectionOptions connection) {
        return connection.bootstrapServersForMessages();
      }
    }
    return null;
  }
}
