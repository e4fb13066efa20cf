package dev.sieve.local;

import dev.sieve.activelearning.ActiveLearningJob;
import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.inference.InferenceJob;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.ingest.IngestJob;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.retrain.RetrainJob;
import dev.sieve.retrain.config.RetrainConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The four jobs of the demo, each submitted to the MiniCluster with explicit arguments — the same
 * arguments a user passes to {@code flink run} on a cluster (docker-compose/ does that). Only the
 * demo-specific ones are set; everything else is each job's default.
 */
public final class DemoJobs {

  /** Slots the four jobs take: ingest 1, inference 2, active learning 1, retrain 1. */
  public static final int SLOTS = 5;

  /**
   * The demo streams about 1,200 events in a minute, so the loop must turn faster than in
   * production: 30 % of the traffic is asked about (production default 5 %), 5 labels per class end
   * the cold start, a retraining every 100 labels (so version 1 serves before the shift and its
   * drift reference is taken on the web shop's messages), drift windows of 100 events, and a drift
   * boost of 300 events.
   */
  static final Map<String, String> ACTIVE_LEARNING_DEMO_SETTINGS =
      Map.of(
          "--budget-fraction", "0.3",
          "--requests-per-minute", "0",
          "--cold-start-labels", "5",
          "--drift-reference", "100",
          "--drift-window", "100",
          "--drift-cooldown", "400",
          "--drift-boost-events", "300",
          "--label-grace", "10s");

  private DemoJobs() {}

  /**
   * The retrain-trigger settings of the demo: a retraining every 100 labels, at most one per 5 s.
   */
  static final List<String> RETRAIN_DEMO_SETTINGS =
      List.of("--retrain-every", "100", "--min-retrain-interval", "5s");

  /** Makes the environment a job is defined in, from its name and parallelism. */
  interface Environments {
    StreamExecutionEnvironment create(String job, int parallelism);
  }

  /**
   * The job arguments beyond where the broker, the registry and the topics are: for every job, for
   * active-learning-job and for retrain-trigger.
   */
  record Settings(List<String> common, List<String> activeLearning, List<String> retrain) {

    /** Each job's own defaults, as {@code ./sieve up} runs them. */
    static final Settings DEFAULTS = new Settings(List.of(), List.of(), List.of());

    /** The demo's fast loop: 1 s checkpoints, {@link #ACTIVE_LEARNING_DEMO_SETTINGS}, … */
    static Settings demo() {
      List<String> al = new ArrayList<>();
      ACTIVE_LEARNING_DEMO_SETTINGS.forEach(
          (k, v) -> {
            al.add(k);
            al.add(v);
          });
      return new Settings(List.of("--checkpoint-interval", "1s"), al, RETRAIN_DEMO_SETTINGS);
    }
  }

  /**
   * Defines the four jobs, each in its own environment, by name in start order.
   *
   * @param flinkDir the MiniCluster's work directory for the jobs' configuration (checkpoints,
   *     RocksDB), or null to use the context environment (a test's MiniClusterExtension)
   */
  public static Map<String, StreamExecutionEnvironment> define(
      Path flinkDir,
      String bootstrap,
      String registryUrl,
      String prefix,
      KeyPairFiles.Written signingKey) {
    return define(flinkDir, bootstrap, registryUrl, prefix, signingKey, List.of());
  }

  /**
   * As {@link #define(Path, String, String, String, KeyPairFiles.Written)}, with {@code moreCommon}
   * arguments given to every job, such as {@code --kafka-properties FILE} for a secured cluster.
   */
  public static Map<String, StreamExecutionEnvironment> define(
      Path flinkDir,
      String bootstrap,
      String registryUrl,
      String prefix,
      KeyPairFiles.Written signingKey,
      List<String> moreCommon) {
    List<String> connection = new ArrayList<>(connection(bootstrap, registryUrl, prefix));
    connection.addAll(moreCommon);
    return define(
        (job, parallelism) -> environment(flinkDir, parallelism),
        connection,
        signingKey,
        Settings.demo());
  }

  /** The arguments that say where the broker, the registry and the topics are. */
  static List<String> connection(String bootstrap, String registryUrl, String prefix) {
    return List.of(
        "--bootstrap-servers", bootstrap, "--registry-url", registryUrl, "--topic-prefix", prefix);
  }

  /**
   * Defines the four jobs with the {@code connection} arguments each, the key pair's files for the
   * two that need them (inference-job: the public key; retrain-trigger: the private key file and
   * the public key; never a key itself as an argument), and the {@code settings}.
   */
  static Map<String, StreamExecutionEnvironment> define(
      Environments environments,
      List<String> connection,
      KeyPairFiles.Written signingKey,
      Settings settings) {
    List<String> common = new ArrayList<>(connection);
    common.addAll(settings.common());
    List<String> activeLearningArgs = settings.activeLearning();
    List<String> retrainArgs = settings.retrain();
    Map<String, StreamExecutionEnvironment> jobs = new LinkedHashMap<>();

    StreamExecutionEnvironment ingest = environments.create("ingest-job", 1);
    IngestJob.defineKafkaJob(ingest, IngestConfig.fromArgs(args(common)));
    jobs.put("ingest-job", ingest);

    StreamExecutionEnvironment inference = environments.create("inference-job", 2);
    InferenceJob.defineKafkaJob(
        inference,
        InferenceConfig.fromArgs(
            args(common, List.of("--model-trusted-keys", signingKey.publicKey().toString()))));
    jobs.put("inference-job", inference);

    StreamExecutionEnvironment activeLearning = environments.create("active-learning-job", 1);
    ActiveLearningJob.defineKafkaJob(
        activeLearning, ActiveLearningConfig.fromArgs(args(common, activeLearningArgs)));
    jobs.put("active-learning-job", activeLearning);

    List<String> retrain = new ArrayList<>(List.of(signingKey.publisherArgs()));
    retrain.addAll(retrainArgs);
    StreamExecutionEnvironment retrainEnv = environments.create("retrain-trigger", 1);
    RetrainJob.defineKafkaJob(retrainEnv, RetrainConfig.fromArgs(args(common, retrain)));
    jobs.put("retrain-trigger", retrainEnv);
    return jobs;
  }

  /** Defines the four jobs and submits them to {@code flink}; returns their ids by name. */
  public static Map<String, JobID> submitAll(
      MiniCluster flink,
      Path flinkDir,
      String bootstrap,
      String registryUrl,
      String prefix,
      KeyPairFiles.Written signingKey,
      Consumer<String> log)
      throws Exception {
    Map<String, JobID> ids = new LinkedHashMap<>();
    for (var job : define(flinkDir, bootstrap, registryUrl, prefix, signingKey).entrySet()) {
      StreamGraph graph = job.getValue().getStreamGraph();
      graph.setJobName("sieve " + job.getKey());
      JobID id = flink.submitJob(graph).get().getJobID();
      log.accept(String.format("  %-20s running (%s)", job.getKey(), id));
      ids.put(job.getKey(), id);
    }
    return ids;
  }

  /**
   * Waits until every task of every job is RUNNING: a job whose status is RUNNING may still be
   * deploying its tasks, and a stream that starts before then arrives as one burst.
   */
  public static void awaitTasksRunning(MiniCluster flink, Iterable<JobID> jobs, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (JobID job : jobs) {
      while (true) {
        AccessExecutionGraph graph = flink.getExecutionGraph(job).get();
        if (graph.getState().isGloballyTerminalState()) {
          throw new IllegalStateException(
              "job " + graph.getJobName() + " ended: " + graph.getState());
        }
        // A job still initialising has an execution graph without vertices: not running yet.
        boolean running =
            graph.getState() == JobStatus.RUNNING && !graph.getAllVertices().isEmpty();
        for (AccessExecutionJobVertex vertex : graph.getAllVertices().values()) {
          running &= vertex.getAggregateState() == ExecutionState.RUNNING;
        }
        if (running) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "job " + graph.getJobName() + " did not start its tasks within " + timeout);
        }
        Thread.sleep(200);
      }
    }
  }

  private static StreamExecutionEnvironment environment(Path flinkDir, int parallelism) {
    StreamExecutionEnvironment env =
        flinkDir == null
            ? StreamExecutionEnvironment.getExecutionEnvironment()
            : StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedFlink.configuration(flinkDir));
    env.setParallelism(parallelism);
    return env;
  }

  private static String[] args(List<String> common) {
    return common.toArray(String[]::new);
  }

  private static String[] args(List<String> common, List<String> more) {
    List<String> all = new ArrayList<>(common);
    all.addAll(more);
    return all.toArray(String[]::new);
  }
}
