package dev.sieve.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;
import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * Where the CPU goes while the inference job runs, by stage (poll, deserialise, tokenise, ORT,
 * heads, serialise, produce), from one async-profiler CPU profile of the whole benchmark JVM
 * (itimer: process CPU time, sampled every {@link #INTERVAL_MS} ms, no perf_events needed). The
 * samples give each stage's share; the total is the process CPU time the JVM reports for the same
 * period: an interval timer fires at most once per kernel tick, so with 1 ms samples on two busy
 * cores about four of five went uncounted, and sample counts alone understated every stage. Each
 * sample's stack is given to the first stage whose marker frame it contains, in the order of {@link
 * #STAGES} (a head runs through {@code OrtSession.run} too, so heads are tested before ORT); a
 * sample of the job's task threads with none of them is "flink" (record hand-over, network stack,
 * timers), and a sample of any other thread is outside the job: JIT compiler and GC threads, the
 * embedded broker, the benchmark's own clients, and the rest (Flink's cluster threads, the
 * registry). The profile is also written as collapsed stacks, for a flame graph.
 */
final class StageProfile {

  /** Sampling interval: above the kernel tick (4 ms at 250 Hz), so that no sample is merged. */
  static final int INTERVAL_MS = 10;

  /** A stage: which samples (thread name, collapsed stack) it takes. */
  private record Stage(String name, BiPredicate<String, String> takes) {}

  private static boolean jobThread(String thread) {
    return thread.contains("Read content")
        || thread.contains("Micro-batch inference")
        || thread.contains("Write predictions")
        || thread.contains("Write scored");
  }

  /** The network threads of the job's producers (the benchmark's own has its client id). */
  private static boolean jobProducerThread(String thread) {
    return thread.contains("kafka-producer-network-thread")
        && !thread.contains(BenchPipeline.CLIENT_ID);
  }

  private static Stage inJob(String name, String... markers) {
    return new Stage(
        name,
        (thread, stack) -> {
          if (!jobThread(thread)) {
            return false;
          }
          for (String m : markers) {
            if (stack.contains(m)) {
              return true;
            }
          }
          return markers.length == 0;
        });
  }

  /** In order: the first that takes a sample has it. */
  private static final List<Stage> STAGES =
      List.of(
          inJob("heads", "HeadRunner.predict"),
          inJob("tokenise", "TokenizersLibrary", "Worker.tokenIds"),
          inJob("ort", "OrtSession.run"),
          inJob("embed_other", "OnnxSentenceEmbedder"),
          inJob("deserialise", "DeserializationSchema", "ConfluentAvroDeserializer"),
          inJob("serialise", "SerializationSchema", "ConfluentAvroSerializer"),
          inJob("build_records", "BatchScorer"),
          new Stage(
              "produce",
              (thread, stack) ->
                  jobProducerThread(thread)
                      || (jobThread(thread)
                          && (stack.contains("KafkaProducer") || stack.contains("KafkaWriter")))),
          inJob("poll", "clients.consumer"),
          inJob("flink"));

  static final String OUT_JIT_GC = "out_jit_gc";
  static final String OUT_BROKER = "out_broker";
  static final String OUT_BENCH = "out_bench_clients";
  static final String OUT_OTHER = "out_other";

  /** Where a sample of a thread that is not the job's goes. */
  private static String outside(String thread) {
    if (thread.startsWith("[main ") || thread.contains(BenchPipeline.CLIENT_ID)) {
      return OUT_BENCH;
    }
    if (thread.contains("CompilerThre") || thread.contains("GC Thread") || thread.contains("G1 ")) {
      return OUT_JIT_GC;
    }
    if (thread.contains("data-plane-kafka")
        || thread.contains("kafka-")
        || thread.contains("ExpirationReaper")
        || thread.contains("executor-Fetch")
        || thread.contains("group-coordinator")
        || thread.contains("quorum-controller")
        || thread.contains("broker-")) {
      return OUT_BROKER;
    }
    return OUT_OTHER;
  }

  private final AsyncProfiler profiler;
  private final long cpuNanosAtStart;

  private StageProfile(AsyncProfiler profiler) {
    this.profiler = profiler;
    this.cpuNanosAtStart = processCpuNanos();
  }

  /** What a run cost: CPU ms per stage (summing to {@code cpuMs}) and the samples behind them. */
  record Profile(Map<String, Long> stages, long cpuMs, long samples) {}

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Starts profiling this JVM; empty (with the reason printed by the caller) if it cannot. */
  static StageProfile start() throws IOException {
    AsyncProfiler profiler = AsyncProfiler.getInstance();
    profiler.execute("start,event=itimer,interval=" + INTERVAL_MS + "ms,threads");
    return new StageProfile(profiler);
  }

  /**
   * Stops, writes the collapsed stacks to {@code collapsed}, and returns the process's CPU time
   * since the start shared out over the stages in proportion to their samples.
   */
  Profile stop(Path collapsed) throws IOException {
    profiler.stop();
    long cpuMs = (processCpuNanos() - cpuNanosAtStart) / 1_000_000;
    String stacks = profiler.dumpCollapsed(Counter.SAMPLES);
    Files.createDirectories(collapsed.toAbsolutePath().getParent());
    Files.writeString(collapsed, stacks);
    Map<String, Long> samples = classify(stacks);
    return new Profile(
        shareOut(samples, cpuMs),
        cpuMs,
        samples.values().stream().mapToLong(Long::longValue).sum());
  }

  /** {@code cpuMs} shared out over the stages in proportion to their samples. */
  static Map<String, Long> shareOut(Map<String, Long> samples, long cpuMs) {
    long total = samples.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> ms = new LinkedHashMap<>();
    samples.forEach(
        (stage, n) -> ms.put(stage, total == 0 ? 0 : Math.round((double) n * cpuMs / total)));
    return ms;
  }

  /**
   * Samples per stage (and outside the job) of collapsed stacks whose first frame is the thread.
   */
  static Map<String, Long> classify(String collapsed) {
    Map<String, Long> ms = new LinkedHashMap<>();
    STAGES.forEach(s -> ms.put(s.name(), 0L));
    List.of(OUT_JIT_GC, OUT_BROKER, OUT_BENCH, OUT_OTHER).forEach(o -> ms.put(o, 0L));
    for (String line : collapsed.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long samples = Long.parseLong(line.substring(space + 1).trim());
      // Java frames come as java/lang/Thread.run: compare with dots
      String stack = line.substring(0, space).replace('/', '.');
      int semicolon = stack.indexOf(';');
      String thread = semicolon < 0 ? stack : stack.substring(0, semicolon);
      String stage = outside(thread);
      for (Stage candidate : STAGES) {
        if (candidate.takes().test(thread, stack)) {
          stage = candidate.name();
          break;
        }
      }
      ms.merge(stage, samples, Long::sum);
    }
    return ms;
  }

  /** {@code name=µs} per event for each stage, for the BENCH line. */
  static String perEvent(Map<String, Long> ms, int events) {
    StringBuilder out = new StringBuilder();
    ms.forEach(
        (stage, v) ->
            out.append(
                String.format(
                    Locale.ROOT, " %s_us=%.0f", stage, v * 1000.0 / Math.max(1, events))));
    return out.toString().trim();
  }
}
