package dev.sieve.local;

import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.embedded.EmbeddedKafka;
import dev.sieve.embedded.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Everything {@code sieve demo} starts, on 127.0.0.1: a Kafka broker, an Apicurio registry and a
 * Flink MiniCluster, in a temporary directory. {@link #close()} stops them in reverse order and
 * deletes the directory; it is idempotent, so the Ctrl-C hook and the normal exit can both call it.
 */
final class DemoStack implements AutoCloseable {

  private final Path workDir;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedKafka kafka;
  private ApicurioRegistry registry;
  private MiniCluster flink;
  private boolean closed;

  private DemoStack(Path workDir) {
    this.workDir = workDir;
  }

  /** Starts broker and registry in parallel (the registry takes about 20 s), then Flink. */
  static DemoStack start(int slots) throws Exception {
    DemoStack stack = new DemoStack(Files.createTempDirectory("sieve-demo-"));
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "sieve-demo-shutdown"));
    try {
      CompletableFuture<ApicurioRegistry> registry =
          CompletableFuture.supplyAsync(ApicurioRegistry::start);
      stack.kafka = stack.track(EmbeddedKafka.start());
      stack.registry = stack.track(registry.join());
      stack.flink = EmbeddedFlink.startMiniCluster(stack.workDir.resolve("flink"), slots);
      MiniCluster flink = stack.flink;
      stack.track(() -> stopJobsThenClose(flink));
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Cancels the jobs and waits for them before closing the cluster: closing under running jobs
   * makes Flink log rejected-task errors while it tears them down.
   */
  private static void stopJobsThenClose(MiniCluster flink) throws Exception {
    try {
      cancelAll(flink);
    } finally {
      flink.closeAsync().get();
    }
  }

  /** Cancels every job that still runs and waits until each has ended. */
  static void cancelAll(MiniCluster flink) throws Exception {
    for (JobStatusMessage job : flink.listJobs().get(10, TimeUnit.SECONDS)) {
      if (!job.getJobState().isGloballyTerminalState()) {
        flink.cancelJob(job.getJobId()).get(30, TimeUnit.SECONDS);
      }
    }
    for (JobStatusMessage job : flink.listJobs().get(10, TimeUnit.SECONDS)) {
      flink.requestJobResult(job.getJobId()).get(30, TimeUnit.SECONDS);
    }
  }

  EmbeddedKafka kafka() {
    return kafka;
  }

  ApicurioRegistry registry() {
    return registry;
  }

  MiniCluster flink() {
    return flink;
  }

  Path workDir() {
    return workDir;
  }

  private <T extends AutoCloseable> T track(T resource) {
    synchronized (this) {
      started.push(resource);
    }
    return resource;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("sieve: while stopping: " + e);
      }
    }
    TempDirs.deleteQuietly(workDir);
  }
}
