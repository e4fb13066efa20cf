package dev.sieve.testkit;

import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.embedded.TempDirs;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster of an integration test class: one TaskManager, loopback only, RocksDB state and 1
 * s checkpoints in a temporary directory (the embedded stack's configuration, as the demo runs the
 * jobs), with the job's metrics in an {@link InMemoryReporter} the test can read.
 *
 * <pre>{@code
 * static final InMemoryReporter METRICS = InMemoryReporter.create();
 * @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);
 * }</pre>
 */
public final class FlinkTestCluster {

  private FlinkTestCluster() {}

  /** A MiniCluster of one TaskManager with {@code slots} slots, reporting to {@code metrics}. */
  public static MiniClusterExtension extension(InMemoryReporter metrics, int slots) {
    return new MiniClusterExtension(
        () ->
            new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(
                    metrics.addToConfiguration(
                        EmbeddedFlink.configuration(TempDirs.create("sieve-it-flink-"))))
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
  }
}
