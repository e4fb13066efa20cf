package dev.sieve.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.embedded.FreePorts;
import dev.sieve.embedded.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Flink standalone session cluster of two JVMs on 127.0.0.1, started the way Flink's own
 * scripts start one, from Maven Central jars instead of flink-dist: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}), each with the
 * JVM options and dynamic properties that {@code BashJavaUtils} computes from the configuration, as
 * {@code jobmanager.sh} and {@code taskmanager.sh} do. Their classpath is Flink's jars plus the
 * jars of Flink's {@code lib/} given by the caller; their configuration is the caller's, with every
 * address pinned to 127.0.0.1 and every directory inside one temporary directory, which {@link
 * #close()} deletes after stopping both JVMs.
 */
final class StandaloneCluster implements AutoCloseable {

  static final String LOOPBACK = "127.0.0.1";

  private static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  // An upper bound, not an expectation: both JVMs are usually up in 10-20 s, but on a loaded
  // two-core machine the actor systems alone have taken a minute to start.
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int restPort;
  private final int rpcPort;
  private final int blobPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();
  private final Thread shutdownHook;
  private Process jobManager;
  private Process taskManager;
  private int taskManagers;
  private List<String> taskManagerCommand;
  private boolean closed;

  private StandaloneCluster(Path dir, int[] ports) {
    this.dir = dir;
    this.restPort = ports[0];
    this.rpcPort = ports[1];
    this.blobPort = ports[2];
    this.shutdownHook = new Thread(this::stopProcesses, "standalone-cluster-stopper");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the cluster and waits until the TaskManager has registered its slots.
   *
   * @param flinkJars Flink's own jars (what flink-dist holds)
   * @param libJars the extra jars of Flink's {@code lib/}
   * @param configuration Flink configuration; addresses, ports and directories are overridden
   * @param jvmOptions options of both JVMs (Flink's {@code env.java.opts.all})
   * @param slots task slots of the TaskManager
   */
  static StandaloneCluster start(
      List<Path> flinkJars,
      List<Path> libJars,
      Map<String, String> configuration,
      List<String> jvmOptions,
      int slots) {
    Path dir = TempDirs.create("sieve-standalone-cluster-");
    StandaloneCluster cluster = new StandaloneCluster(dir, FreePorts.fill(0, 0, 0));
    try {
      cluster.launch(flinkJars, libJars, configuration, jvmOptions, slots);
      return cluster;
    } catch (RuntimeException | Error e) {
      String logs = cluster.logTails();
      cluster.close();
      throw new IllegalStateException(e.getMessage() + "\n" + logs, e);
    }
  }

  private void launch(
      List<Path> flinkJars,
      List<Path> libJars,
      Map<String, String> configuration,
      List<String> jvmOptions,
      int slots) {
    Path conf = dir.resolve("conf");
    Path tmp = dir.resolve("tmp");
    Path log = dir.resolve("log");
    Map<String, String> config = new LinkedHashMap<>(configuration);
    config.put("jobmanager.rpc.address", LOOPBACK);
    config.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    config.put("jobmanager.bind-host", LOOPBACK);
    config.put("rest.address", LOOPBACK);
    config.put("rest.bind-address", LOOPBACK);
    config.put("rest.port", Integer.toString(restPort));
    config.put("blob.server.port", Integer.toString(blobPort));
    config.put("taskmanager.bind-host", LOOPBACK);
    config.put("taskmanager.host", LOOPBACK);
    config.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    config.put("io.tmp.dirs", tmp.toString());
    config.put("web.tmpdir", tmp.resolve("web").toString());
    config.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    config.put(
        "execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
    try {
      Files.createDirectories(conf);
      Files.createDirectories(tmp);
      Files.createDirectories(log);
      Files.writeString(
          conf.resolve("config.yaml"),
          config.entrySet().stream()
              .map(e -> e.getKey() + ": " + e.getValue())
              .collect(Collectors.joining("\n", "", "\n")));
      try (InputStream in =
          StandaloneCluster.class.getResourceAsStream("/standalone-cluster/log4j.properties")) {
        Files.copy(in, conf.resolve("log4j.properties"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the cluster configuration in " + dir, e);
    }

    // Flink's scripts put lib/ in sorted order, flink-dist last; here Flink's jars stand in for it.
    List<Path> classpath = new ArrayList<>(libJars.stream().sorted().toList());
    classpath.addAll(flinkJars);
    String cp = classpath.stream().map(Path::toString).collect(Collectors.joining(":"));

    List<List<String>> jm = resourceParams(cp, conf, "GET_JM_RESOURCE_PARAMS");
    List<List<String>> tm = resourceParams(cp, conf, "GET_TM_RESOURCE_PARAMS");
    jobManager =
        start(
            "jobmanager",
            command(cp, jm.get(0), jvmOptions, tmp, JOB_MANAGER_MAIN, conf, jm.get(1)));
    taskManagerCommand =
        command(cp, tm.get(0), jvmOptions, tmp, TASK_MANAGER_MAIN, conf, tm.get(1));
    taskManager = startTaskManagerProcess();
    awaitSlots(slots);
  }

  /**
   * Kills the TaskManager JVM with {@code kill -9} (SIGKILL: no shutdown hook runs, the JobManager
   * is not told) and waits until it is gone; returns its exit code (137 = 128 + SIGKILL).
   */
  int killTaskManager() {
    try {
      Process kill =
          new ProcessBuilder("kill", "-9", Long.toString(taskManager.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -9 " + taskManager.pid() + " failed");
      }
      if (!taskManager.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the TaskManager outlived kill -9");
      }
      return taskManager.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Starts a new TaskManager JVM, exactly as the first was started (its log is {@code
   * taskmanager-<n>.log}), and waits until it has registered with the JobManager.
   */
  void startTaskManager() {
    Set<String> before = new HashSet<>();
    rest("/taskmanagers").path("taskmanagers").forEach(t -> before.add(t.path("id").asText()));
    taskManager = startTaskManagerProcess();
    await("a new TaskManager registered")
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .failFast("the new TaskManager exited", () -> !taskManager.isAlive())
        .until(
            () -> {
              for (JsonNode t : rest("/taskmanagers").path("taskmanagers")) {
                if (!before.contains(t.path("id").asText())) {
                  return true;
                }
              }
              return false;
            });
  }

  private Process startTaskManagerProcess() {
    taskManagers++;
    String name = taskManagers == 1 ? "taskmanager" : "taskmanager-" + taskManagers;
    return start(name, taskManagerCommand);
  }

  /** {@code 127.0.0.1:port} of the REST endpoint. */
  String restAddress() {
    return LOOPBACK + ":" + restPort;
  }

  Path configDir() {
    return dir.resolve("conf");
  }

  long jobManagerPid() {
    return jobManager.pid();
  }

  long taskManagerPid() {
    return taskManager.pid();
  }

  /** GET on the REST API, as JSON. */
  JsonNode rest(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + restAddress() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Cancels a job through the REST API (what {@code flink cancel} does). */
  void cancel(String jobId) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + restAddress() + "/jobs/" + jobId + "?mode=cancel"))
                  .method("PATCH", HttpRequest.BodyPublishers.noBody())
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        throw new IllegalStateException(
            "cancel " + jobId + ": HTTP " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cancel " + jobId, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last lines of both JVMs' logs and outputs, for a failure message. */
  String logTails() {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        out.append("--- ").append(f.getFileName()).append(" (last 40 lines) ---\n");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException | UncheckedIOException e) {
      out.append("(no logs: ").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }

  /** Stops both JVMs (SIGTERM, then SIGKILL after 15 s) and deletes the cluster's directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs or ran: nothing to remove
    }
    TempDirs.deleteQuietly(dir);
  }

  // ------------------------------------------------------------------ processes

  /**
   * Runs {@code BashJavaUtils <command>} as the scripts do and returns its two result lines, split
   * into words: the JVM memory options, then the dynamic properties ({@code -D key=value}).
   */
  private List<List<String>> resourceParams(String cp, Path conf, String command) {
    List<String> cmd =
        List.of(javaBinary(), "-cp", cp, BASH_JAVA_UTILS, command, "--configDir", conf.toString());
    Path out = dir.resolve("log").resolve("bash-java-utils-" + command + ".out");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      processes.add(p);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " failed:\n" + Files.readString(out));
      }
      List<List<String>> results = new ArrayList<>();
      for (String line : Files.readAllLines(out)) {
        if (line.startsWith(RESULT_PREFIX)) {
          String words = line.substring(RESULT_PREFIX.length()).trim();
          results.add(words.isEmpty() ? List.of() : List.of(words.split("\\s+")));
        }
      }
      if (results.size() != 2) {
        throw new IllegalStateException(
            command + " printed " + results.size() + " results, not 2:\n" + Files.readString(out));
      }
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + BASH_JAVA_UTILS, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private List<String> command(
      String cp,
      List<String> memoryOptions,
      List<String> jvmOptions,
      Path tmp,
      String main,
      Path conf,
      List<String> dynamicProperties) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(memoryOptions);
    cmd.addAll(jvmOptions);
    cmd.add("-Djava.net.preferIPv4Stack=true"); // the servers bind 127.0.0.1, never a v6 wildcard
    cmd.add("-Djava.io.tmpdir=" + tmp); // ONNX Runtime, RocksDB and the model files unpack here
    cmd.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main);
    cmd.add("--configDir");
    cmd.add(conf.toString());
    cmd.addAll(dynamicProperties);
    return List.copyOf(cmd);
  }

  /** Starts the JVM of {@code command}, its log and output in {@code log/<name>.*}. */
  private Process start(String name, List<String> command) {
    List<String> cmd = new ArrayList<>(command);
    cmd.add(1, "-Dlog.file=" + dir.resolve("log").resolve(name + ".log"));
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").resolve(name + ".out").toFile());
    // DJL reads these before any of its classes load: no tracking, no downloads
    // (docs/architecture.md)
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("DJL_OFFLINE", "true");
    try {
      Process p = builder.start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the " + name, e);
    }
  }

  private void awaitSlots(int slots) {
    await("the cluster offers " + slots + " slots")
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions() // the REST endpoint is not up yet
        .failFast("a cluster JVM exited", () -> !jobManager.isAlive() || !taskManager.isAlive())
        .until(
            () -> {
              JsonNode overview = rest("/overview");
              return overview.path("taskmanagers").asInt() >= 1
                  && overview.path("slots-available").asInt() >= slots;
            });
  }

  private void stopProcesses() {
    List<Process> running = new ArrayList<>(processes);
    // SIGTERM to all (TaskManager first), so Flink's shutdown hooks run; SIGKILL to any left
    Collections.reverse(running);
    running.forEach(Process::destroy);
    for (Process p : running) {
      try {
        if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
