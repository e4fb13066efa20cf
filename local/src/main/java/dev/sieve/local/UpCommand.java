package dev.sieve.local;

import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SigningKeyFile;
import dev.sieve.embedded.Savepoints;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.schemas.Topic;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code ./sieve up}: Sieve on this machine as a durable deployment rather than a demo. Everything
 * lives in a data directory, each job resumes from its newest savepoint or retained checkpoint, and
 * Ctrl-C (or {@code ./sieve down}) stops every job with a savepoint before the servers go down.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts Sieve on 127.0.0.1 with its data in a directory: a Kafka broker, a schema registry,"
          + " a Flink cluster with its web UI, and the four jobs, each resumed from its newest"
          + " savepoint or retained checkpoint. Runs until Ctrl-C or ./sieve down, which stop"
          + " every job with a savepoint.",
      "With --bootstrap-servers and --registry-url, starts only the Flink cluster and the jobs,"
          + " against your Kafka and schema registry (missing topics are created there)."
    })
public final class UpCommand implements Callable<Integer> {

  /** The port base without {@code --port-base}: broker 19092, registry 19093, web UI 19094. */
  static final int DEFAULT_PORT_BASE = 19092;

  /** How long one job may take to write its final savepoint before it is cancelled instead. */
  private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(3);

  static final String PREFIX = Topic.DEFAULT_PREFIX;

  @Option(
      names = "--data-dir",
      defaultValue = ".sieve",
      description = "Where the broker, registry and job state live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--port-base",
      defaultValue = "" + DEFAULT_PORT_BASE,
      description =
          "Broker on N, registry on N+1, Flink web UI on N+2, the broker's controller on N+3"
              + " (default: ${DEFAULT-VALUE}); with --bootstrap-servers only the web UI, on N+2."
              + " A data directory keeps the broker ports it was created with.")
  int portBase;

  /** Both or neither: the user's Kafka and registry, instead of starting our own. */
  static final class External {
    @Option(
        names = "--bootstrap-servers",
        required = true,
        paramLabel = "<host:port,...>",
        description =
            "Your Kafka: start no broker, run the jobs against this one (needs --registry-url).")
    String bootstrapServers;

    @Option(
        names = "--registry-url",
        required = true,
        paramLabel = "<url>",
        description =
            "Your schema registry's Confluent-compatible API, e.g."
                + " http://host:8080/apis/ccompat/v7 (needs --bootstrap-servers).")
    String registryUrl;
  }

  @ArgGroup(exclusive = false, multiplicity = "0..1")
  External external;

  /** How long {@code up} waits for the user's Kafka and registry to answer before giving up. */
  private static final Duration EXTERNAL_TIMEOUT = Duration.ofSeconds(30);

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    DataDir.Deployment deployment =
        external == null
            ? DataDir.Deployment.OWN
            : new DataDir.Deployment(external.bootstrapServers, external.registryUrl);
    try {
      return run(deployment);
    } catch (IllegalStateException refused) {
      Throwable cause = refused.getCause();
      System.err.println(
          "sieve up: " + refused.getMessage() + (cause == null ? "" : " (" + cause + ")"));
      return 1;
    }
  }

  private int run(DataDir.Deployment deployment) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    // A signal handler rather than a shutdown hook: hooks run concurrently with Flink's and the
    // registry's own, which would tear the cluster down under the final savepoints.
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    if (Signal.handle(new Signal("INT"), s -> stop.countDown()) == SignalHandler.SIG_IGN) {
      // A JVM started with SIGINT ignored (a background job of a script, nohup) never sees it.
      out.println(
          "sieve up: Ctrl-C does not reach this process (started with SIGINT ignored, e.g. in"
              + " the background); stop it with ./sieve down");
    }
    try (DataDir dir = DataDir.lock(dataDir)) {
      UpLog.to(dir.log());
      dir.checkDeployment(deployment);
      KeyPairFiles.Written signingKey = SigningKeyFile.readOrCreate(dir.root());
      LocalStack.Ports ports = LocalStack.Ports.from(portBase);
      out.println(
          deployment.external()
              ? "sieve up: starting Flink on 127.0.0.1 for Kafka at "
                  + deployment.bootstrapServers()
                  + ", with data in "
                  + dir.root()
                  + " ..."
              : "sieve up: starting on 127.0.0.1 with data in " + dir.root() + " ...");
      try (LocalStack stack =
          deployment.external()
              ? LocalStack.external(
                  dir,
                  deployment.bootstrapServers(),
                  deployment.registryUrl(),
                  ports.flinkUi(),
                  DemoJobs.SLOTS,
                  EXTERNAL_TIMEOUT)
              : LocalStack.start(dir, ports, DemoJobs.SLOTS, out::println)) {
        stack.createMissingTopics(PREFIX, 1, out::println);
        stack.writeSettings(PREFIX);
        Map<String, JobID> jobs = submit(dir, stack, signingKey, DemoJobs.Settings.DEFAULTS, out);
        DemoJobs.awaitTasksRunning(stack.flink(), jobs.values(), Duration.ofMinutes(3));
        printReady(dir, stack);
        stop.await();
        out.println("sieve up: stopping every job with a savepoint ...");
        stopWithSavepoints(dir, stack, jobs, out);
        out.println("sieve up: stopping Flink, the registry and the broker ...");
      }
    }
    out.println("sieve up: stopped; ./sieve up resumes");
    return 0;
  }

  /**
   * Submits the four jobs to the stack's cluster with {@code settings} ({@code up}: each job's
   * defaults; the demo: its fast loop), where the broker, the registry and the signing key are;
   * each with its own state directories ({@link JobStates}), resumed from its newest state.
   */
  static Map<String, JobID> submit(
      DataDir dir,
      LocalStack stack,
      KeyPairFiles.Written signingKey,
      DemoJobs.Settings settings,
      PrintStream out)
      throws Exception {
    Map<String, StreamExecutionEnvironment> defined =
        DemoJobs.define(
            (job, parallelism) -> {
              StreamExecutionEnvironment env =
                  StreamExecutionEnvironment.getExecutionEnvironment(
                      JobStates.configuration(dir, job));
              env.setParallelism(parallelism);
              return env;
            },
            DemoJobs.connection(stack.bootstrapServers(), stack.registryUrl(), PREFIX),
            signingKey,
            settings);
    Map<String, JobID> ids = new LinkedHashMap<>();
    for (var job : defined.entrySet()) {
      StreamGraph graph = job.getValue().getStreamGraph();
      graph.setJobName("sieve " + job.getKey());
      Optional<Path> state = JobStates.newest(dir, job.getKey());
      state.ifPresent(
          s -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(s.toString())));
      JobID id = stack.flink().submitJob(graph).get().getJobID();
      out.printf(
          "  %-20s running (%s), %s%n",
          job.getKey(), id, state.map(s -> "resumed from " + s).orElse("no earlier state"));
      ids.put(job.getKey(), id);
    }
    return ids;
  }

  /**
   * Stops all jobs at once, each with a savepoint into its own directory; a job whose savepoint
   * fails is cancelled, and its retained checkpoint is what the next {@code up} resumes from.
   */
  static void stopWithSavepoints(
      DataDir dir, LocalStack stack, Map<String, JobID> jobs, PrintStream out) {
    Map<String, CompletableFuture<String>> savepoints = new LinkedHashMap<>();
    jobs.forEach((name, id) -> savepoints.put(name, stopWithSavepoint(dir, stack, name, id)));
    List<String> failed = new ArrayList<>();
    savepoints.forEach(
        (name, savepoint) -> {
          try {
            String path = savepoint.get(SAVEPOINT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            out.printf("  %-20s savepoint %s%n", name, path);
          } catch (Exception e) {
            out.printf("  %-20s no savepoint (%s), cancelling it%n", name, rootMessage(e));
            failed.add(name);
          }
        });
    for (String name : failed) {
      try {
        stack.flink().cancelJob(jobs.get(name)).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.printf("  %-20s could not be cancelled: %s%n", name, e);
      }
    }
  }

  /**
   * One job's stop-with-savepoint, tried again while some of its tasks are not running yet (a
   * Ctrl-C just after the start, or a task restarting): Flink refuses such a savepoint at once, and
   * a moment later the same request succeeds.
   */
  private static CompletableFuture<String> stopWithSavepoint(
      DataDir dir, LocalStack stack, String name, JobID id) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Savepoints.stopWithSavepoint(
                stack.flink(),
                id,
                dir.savepoints(name).toUri().toString(),
                SAVEPOINT_TIMEOUT.dividedBy(2),
                SAVEPOINT_TIMEOUT);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
          } catch (TimeoutException e) {
            throw new CompletionException(e);
          }
        });
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private void printReady(DataDir dir, LocalStack stack) {
    boolean defaultDir =
        dir.settings().equals(ConnectionOptions.DEFAULT_SETTINGS.toAbsolutePath().normalize());
    String config = defaultDir ? "" : " --config " + dir.settings();
    out.println();
    out.println(
        "sieve up: ready (Ctrl-C or ./sieve down"
            + (defaultDir ? "" : " --data-dir " + dir.root())
            + " stops it)");
    String whose = stack.ownServers() ? "" : " (yours)";
    out.println("  Kafka             " + stack.bootstrapServers() + whose);
    out.println("  schema registry   " + stack.registryUrl() + whose);
    out.println("  Flink web UI      " + stack.flinkUrl());
    out.println("  settings          " + dir.settings());
    out.println("  log               " + dir.log());
    out.println(
        "  signing key       " + dir.signingKey() + " (public key " + dir.publicKey() + ")");
    out.println();
    out.println("Next, in another terminal:");
    out.println("  ./sieve classifier create topic --labels billing,shipping,bug,praise" + config);
    out.println(
        "  ./sieve import --classifier topic --file labelled.jsonl" + config + "   (optional)");
    out.println(
        "  echo '{\"id\":\"1\",\"text\":\"my parcel never arrived\"}' | ./sieve produce --stdin"
            + config);
    out.println("  ./sieve tail predictions" + config);
    out.println("  ./sieve label" + config);
  }
}
