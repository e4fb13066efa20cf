package dev.sieve.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The Flink side of the embedded stack: a {@link MiniCluster} configuration with what the Sieve
 * jobs run with in production (RocksDB state, filesystem checkpoints, no silent Kryo), bound to
 * 127.0.0.1 only.
 *
 * <p>Flink binds 0.0.0.0 unless the REST, JobManager and TaskManager addresses and bind hosts are
 * all set, so every server it opens (REST endpoint, blob server, RPC) is pinned to loopback here.
 *
 * <p>Tests use it with {@code flink-test-utils} (which this module does not depend on, because the
 * CLI ships this module), one MiniCluster per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK =
 *     new MiniClusterExtension(
 *         new MiniClusterResourceConfiguration.Builder()
 *             .setConfiguration(EmbeddedFlink.configuration(workDir))
 *             .setNumberTaskManagers(1)
 *             .setNumberSlotsPerTaskManager(2)
 *             .build());
 * }</pre>
 *
 * where {@code workDir} is a directory the test owns (for example a {@code static} path made with
 * {@code Files.createTempDirectory}). The CLI calls {@link #startMiniCluster(Path, int)} instead.
 */
public final class EmbeddedFlink {

  /** Checkpoint interval of {@link #configuration(Path)}. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  private EmbeddedFlink() {}

  /** The MiniCluster configuration with 1 s checkpoints under {@code workDir/checkpoints}. */
  public static Configuration configuration(Path workDir) {
    return configuration(workDir, DEFAULT_CHECKPOINT_INTERVAL);
  }

  /**
   * The MiniCluster configuration: loopback only, a random free REST port, RocksDB state backend
   * (incremental checkpoints), checkpoints every {@code checkpointInterval} to {@code
   * workDir/checkpoints}, savepoints to {@code workDir/savepoints}, temporary files under {@code
   * workDir/tmp} (created here), and {@code pipeline.generic-types: false}. It sets no restart
   * strategy: Sieve's jobs bring their own.
   */
  public static Configuration configuration(Path workDir, Duration checkpointInterval) {
    String host = FreePorts.LOOPBACK;
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, host);
    conf.set(RestOptions.ADDRESS, host);
    // "0": the REST endpoint takes any free port; MiniCluster#getRestAddress() tells which.
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(JobManagerOptions.BIND_HOST, host);
    conf.set(JobManagerOptions.ADDRESS, host);
    conf.set(TaskManagerOptions.BIND_HOST, host);
    conf.set(TaskManagerOptions.HOST, host);

    // Spill files, RocksDB working dirs and REST uploads stay in workDir, not in /tmp.
    Path tmp = workDir.resolve("tmp").toAbsolutePath();
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + tmp, e);
    }
    conf.set(CoreOptions.TMP_DIRS, tmp.toString());
    conf.set(WebOptions.TMP_DIR, tmp.toString());

    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        workDir.resolve("checkpoints").toAbsolutePath().toUri().toString());
    conf.set(
        CheckpointingOptions.SAVEPOINT_DIRECTORY,
        workDir.resolve("savepoints").toAbsolutePath().toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);

    // Every record type must be Avro or a POJO; a Kryo fallback fails the job at submission.
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // The jobs' classes come from this JVM's class path, not from a job jar, so there is no user
    // class loader to leak; with the check on, a checkpoint thread logging after its job was
    // cancelled printed a "Trying to access closed classloader" stack trace (log4j loading the
    // logged exception's classes through the released loader) into the benchmark's output.
    conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);

    // No restart strategy here: each Sieve job brings its own (exponential delay that never gives
    // up, JobEnvironment), as it does on a cluster whose configuration sets none; anything else
    // run on this cluster gets Flink's default with checkpointing, exponential delay as well.
    return conf;
  }

  /**
   * Starts a MiniCluster with one TaskManager of {@code slots} slots and {@link
   * #configuration(Path)}. The caller closes it ({@link MiniCluster#close()}).
   */
  public static MiniCluster startMiniCluster(Path workDir, int slots) {
    return startMiniCluster(workDir, slots, 0);
  }

  /**
   * As {@link #startMiniCluster(Path, int)}, with the REST endpoint (and the web UI, when {@code
   * flink-runtime-web} is on the classpath) on loopback port {@code restPort}, 0 meaning a free
   * one.
   */
  public static MiniCluster startMiniCluster(Path workDir, int slots, int restPort) {
    Configuration conf = configuration(workDir);
    conf.set(RestOptions.BIND_PORT, String.valueOf(restPort));
    MiniClusterConfiguration config =
        new MiniClusterConfiguration.Builder()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(slots)
            .build();
    MiniCluster cluster = new MiniCluster(config);
    try {
      cluster.start();
    } catch (Exception e) {
      try {
        cluster.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("Flink MiniCluster did not start", e);
    }
    return cluster;
  }
}
