package dev.sieve.local;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ExtractorCosts;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.schemas.Prediction;
import dev.sieve.tools.bench.BatchFlipCandidates;
import dev.sieve.tools.bench.BenchTexts;
import dev.sieve.tools.bench.RawOrtThroughput;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve bench inference}: measures, in one run on this machine, (a) the embedding network
 * alone on raw ONNX Runtime, (b) the inference job Kafka to Kafka, (c) end-to-end latency at half
 * the measured maximum rate, (d) hot-swap latency with lost and duplicated counts, (e) the cost of
 * 5 classifiers against 1, and (f) two classifiers on two embedding networks (int8 MiniLM, the
 * job's primary network, and int8 e5-small-v2 with its "query: " prefix), each event embedded once
 * per network, against the one-network figure of (b), with the share of embedding time each network
 * took. Prints the figures and the parsed {@code BENCH} lines.
 */
@Command(
    name = "inference",
    mixinStandardHelpOptions = true,
    description =
        "Throughput, latency and hot-swap figures of the inference job (about a quarter of an"
            + " hour).")
final class InferenceBenchCommand implements Callable<Integer> {

  @Option(
      names = "--datasets",
      required = true,
      description =
          "Folder of labelled .jsonl datasets whose texts are streamed (they are not part of"
              + " Sieve; no default).")
  Path datasets;

  @Option(
      names = "--texts",
      defaultValue = "20000",
      description = "Texts (default: ${DEFAULT-VALUE}).")
  int textCount;

  @Option(
      names = "--swaps",
      defaultValue = "12",
      description = "Model swaps (default: ${DEFAULT-VALUE}).")
  int swaps;

  @Option(
      names = "--latency-seconds",
      defaultValue = "25",
      description = "Length of the latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  /** The second network of run (f). */
  private static final EmbeddingModel SECOND_NETWORK = EmbeddingModel.E5_SMALL_V2_Q_QUERY;

  @Option(
      names = "--delivery",
      defaultValue = "at-least-once",
      description =
          "Delivery mode of the job in the latency run (c): at-least-once or exactly-once, where a"
              + " prediction becomes visible when its checkpoint commits (default: ${DEFAULT-VALUE}).")
  String delivery;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "1s",
      description =
          "Checkpoint interval of the job in the latency run (c); with exactly-once, the"
              + " visibility delay (default: ${DEFAULT-VALUE}).")
  String checkpointInterval;

  @Option(
      names = "--embedding-model",
      defaultValue = InferenceConfig.DEFAULT_EMBEDDING_MODEL,
      description =
          "Network of the job's classifiers and of the raw yardstick (default: the job's,"
              + " ${DEFAULT-VALUE}).")
  String embeddingModel;

  @Option(
      names = "--batch-max-size",
      defaultValue = "" + InferenceConfig.DEFAULT_BATCH_MAX_SIZE,
      description = "The job's --batch-max-size (default: the job's, ${DEFAULT-VALUE}).")
  int batchMaxSize;

  @Option(
      names = "--flip-texts",
      defaultValue = "300",
      description =
          "Test texts per dataset for the label flips of batching, (g); 0 skips it (default:"
              + " ${DEFAULT-VALUE}).")
  int flipTexts;

  /** Share of one core the JIT compilers may still take for the JVM to count as warm. */
  static final double JIT_QUIET = 0.10;

  /** Texts of one warm-up run (or all of them, if fewer). */
  static final int WARM_UP_TEXTS = 4_000;

  /** Warm-up runs at most, however busy the compilers stay. */
  static final int WARM_UP_ROUNDS = 10;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    List<String> texts = BenchTexts.load(datasets, textCount);
    EmbeddingModel network = EmbeddingModel.byId(embeddingModel);
    int batch = batchMaxSize;
    // The yardstick's sub-batches stay at the job's default size, whatever the job's batches.
    int rawBatchSize = InferenceConfig.DEFAULT_BATCH_MAX_SIZE;
    out.printf(
        "sieve bench inference: %d texts, %d cores, %s%n",
        texts.size(), Runtime.getRuntime().availableProcessors(), LocalDate.now());

    RawOrtThroughput raw =
        new RawOrtThroughput(
            network, EmbedderOptions.defaults().maxLength(), BenchPipeline.PARTITIONS);
    double rawOne = raw.sentencesPerSecond(texts, 1);
    double rawBatch = raw.sentencesPerSecond(texts, rawBatchSize);
    double rawBest = Math.max(rawOne, rawBatch);
    out.printf(
        "(a) raw ONNX Runtime, %d sessions x 1 thread: batch 1 %.0f/s, length-bucketed batch %d %.0f/s%n",
        BenchPipeline.PARTITIONS, rawOne, rawBatchSize, rawBatch);
    // Another network than the default is judged against the default's raw speed too: it has to
    // beat what it replaces, not only its own yardstick.
    EmbeddingModel defaultNetwork = EmbeddingModel.byId(InferenceConfig.DEFAULT_EMBEDDING_MODEL);
    double defaultRawBest = rawBest;
    if (network != defaultNetwork) {
      RawOrtThroughput rawDefault =
          new RawOrtThroughput(
              defaultNetwork, EmbedderOptions.defaults().maxLength(), BenchPipeline.PARTITIONS);
      double defaultOne = rawDefault.sentencesPerSecond(texts, 1);
      double defaultBatch = rawDefault.sentencesPerSecond(texts, rawBatchSize);
      defaultRawBest = Math.max(defaultOne, defaultBatch);
      out.printf(
          "    the default network %s: batch 1 %.0f/s, length-bucketed batch %d %.0f/s%n",
          defaultNetwork.id(), defaultOne, rawBatchSize, defaultBatch);
    }

    BatchFlipCandidates.Result flips = null;
    if (flipTexts > 0) {
      flips = BatchFlipCandidates.measure(datasets, flipTexts);
      out.printf(
          "(g) label flips of batching against one text per call, zero-shot, up to %d test texts"
              + " per dataset, micro-batches of %d; 1 thread: int8 one text per call %.0f/s%n",
          flipTexts, BatchFlipCandidates.MICRO_BATCH, flips.defaultPerSecond());
      for (BatchFlipCandidates.Candidate c : flips.candidates()) {
        out.printf(
            "    %-18s %6.0f/s (%.2fx)  flips %s%n",
            c.name(), c.perSecond(), c.vsDefault(), describe(c.flips()));
      }
    }

    try (DemoStack stack = DemoStack.start(BenchPipeline.PARTITIONS);
        RestSchemaRegistryClient registry =
            new RestSchemaRegistryClient(
                RegistryConfig.forUrl(stack.registry().confluentApiUrl()));
        EmbedderHandle embedder = SharedEmbedders.acquire(network, EmbedderOptions.defaults());
        // Held for the whole run, so the job's subtasks share this copy (and its counters).
        EmbedderHandle e5 = SharedEmbedders.acquire(SECOND_NETWORK, EmbedderOptions.defaults())) {
      warmUp(
          stack,
          registry,
          embedder,
          texts.subList(0, Math.min(texts.size(), WARM_UP_TEXTS)),
          batch);
      Instant from = Instant.now();
      long compiledBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      StageProfile profile = startProfile();
      double one = throughput(stack, registry, embedder, "bench1.", texts, 1, batch);
      Instant to = Instant.now();
      double compiling =
          (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compiledBefore)
              / (double) Duration.between(from, to).toMillis();
      out.printf(
          "(b) inference job, Kafka to Kafka, 1 classifier: %.0f/s, JIT compiling %.0f %% of one"
              + " core  [%s .. %s, for profiles]%n",
          one, 100 * compiling, from, to);
      Map<String, Long> stages = null;
      if (profile != null) {
        Path collapsed = Files.createTempFile("sieve-bench-inference-", ".collapsed");
        StageProfile.Profile p = profile.stop(collapsed);
        stages = p.stages();
        out.printf(
            "(f) CPU during (b) by stage, ms: the process's %d ms of CPU shared out by %d"
                + " async-profiler samples (one per %d ms of CPU; stacks in %s): %s%n",
            p.cpuMs(), p.samples(), StageProfile.INTERVAL_MS, collapsed, stages);
      }
      double five = throughput(stack, registry, embedder, "bench5.", texts, 5, batch);
      out.printf("(e) 5 classifiers: %.0f/s%n", five);
      long[] before = {
        embedder.shared().embedNanos(),
        e5.shared().embedNanos(),
        embedder.shared().embeddedTexts(),
        e5.shared().embeddedTexts()
      };
      double two =
          throughput(stack, registry, embedder, "bench2n.", texts, List.of(embedder, e5), batch);
      double miniLmSeconds = (embedder.shared().embedNanos() - before[0]) / 1e9;
      double e5Seconds = (e5.shared().embedNanos() - before[1]) / 1e9;
      double embedSeconds = Math.max(1e-9, miniLmSeconds + e5Seconds);
      // Texts per second of one caller's time: events/s per core each network sustains alone.
      double miniLmPerCore =
          (embedder.shared().embeddedTexts() - before[2]) / Math.max(1e-9, miniLmSeconds);
      double e5PerCore = (e5.shared().embeddedTexts() - before[3]) / Math.max(1e-9, e5Seconds);
      out.printf(
          "(h) 2 classifiers on 2 networks (%s, %s): %.0f/s; embedding time %.1f s + %.1f s"
              + " (%.0f + %.0f texts/s per core); %s loaded in %d ms%n",
          embedder.modelId(),
          e5.modelId(),
          two,
          miniLmSeconds,
          e5Seconds,
          miniLmPerCore,
          e5PerCore,
          e5.modelId(),
          e5.shared().loadMillis());
      // The budget check: candidate selection keeps a version only if the recorded cost of its
      // extractor fits --min-throughput; with both networks in use an event pays both, so the
      // recorded costs predict 1 / (1/a + 1/b) events/s per core. Does serving hold to it?
      ExtractorCosts costs = ExtractorCosts.recorded();
      double costFirst = costs.eventsPerSecondPerCore(embedder.modelId());
      double costSecond = costs.eventsPerSecondPerCore(e5.modelId());
      // 0 when a network was never measured (only candidate networks are): no prediction then.
      double recordedBoth =
          costFirst > 0 && costSecond > 0 ? 1 / (1 / costFirst + 1 / costSecond) : 0;
      double servedPerCore = two / BenchPipeline.PARTITIONS;
      if (recordedBoth > 0) {
        out.printf(
            "    budget: the recorded extractor costs (%s) predict %.0f events/s per core with"
                + " both networks; the job served %.0f/s per core (%.2f of it)%n",
            costs.measuredOn(), recordedBoth, servedPerCore, servedPerCore / recordedBoth);
      } else {
        out.printf(
            "    budget: no recorded cost for %s (./sieve bench extractors measures the candidate"
                + " networks)%n",
            costFirst > 0 ? e5.modelId() : embedder.modelId());
      }
      LatencyAndSwaps live = latencyAndSwaps(stack, registry, embedder, texts, one / 2, batch);

      out.printf(
          "BENCH raw_ort_per_s=%.0f pipeline_per_s=%.0f ratio=%.3f%n", rawBest, one, one / rawBest);
      // Against the raw configuration the job runs (one text per call: batching flips labels).
      out.printf("BENCH raw_ort_batch1_per_s=%.0f ratio_vs_batch1=%.3f%n", rawOne, one / rawOne);
      if (network != defaultNetwork) {
        out.printf(
            "BENCH raw_ort_default_network_per_s=%.0f ratio_vs_default_network=%.3f%n",
            defaultRawBest, one / defaultRawBest);
      }
      out.printf(
          "BENCH latency_p50_ms=%d latency_p99_ms=%d rate_per_s=%.0f delivery=%s%n",
          live.p50, live.p99, one / 2, delivery);
      out.printf(
          "BENCH append_to_append_p50_ms=%d append_to_append_p99_ms=%d rate_per_s=%.0f"
              + " delivery=%s%n",
          live.appendP50, live.appendP99, one / 2, delivery);
      out.printf(
          "BENCH swap_p50_ms=%d swap_p99_ms=%d swaps=%d lost=%d duplicated=%d%n",
          live.swapP50, live.swapP99, live.swaps, live.lost, live.duplicated);
      out.printf("BENCH classifiers=5 cost_vs_1=%.3f%n", one / five);
      out.printf(
          "BENCH job_latency_p50_ms=%d job_latency_p99_ms=%d rate_per_s=%.0f%n",
          live.jobP50, live.jobP99, one / 2);
      if (stages != null) {
        out.printf("BENCH stage_cpu_per_event %s%n", StageProfile.perEvent(stages, texts.size()));
      }
      if (flips != null) {
        for (BatchFlipCandidates.Candidate c : flips.candidates()) {
          if (!c.flips().isEmpty()) {
            out.printf(
                Locale.ROOT,
                "BENCH batching=%s max_flip_pct=%.2f throughput_vs_default=%.3f%n",
                c.name(),
                c.maxFlipPercent(),
                c.vsDefault());
          }
        }
      }
      if (recordedBoth > 0) {
        out.printf(
            "BENCH networks=2 recorded_cost_per_core_per_s=%.0f served_per_core_per_s=%.0f"
                + " served_vs_recorded=%.3f%n",
            recordedBoth, servedPerCore, servedPerCore / recordedBoth);
      }
      out.printf(
          "BENCH networks=2 pipeline_per_s=%.0f vs_1_network=%.3f time_share_%s=%.2f"
              + " time_share_%s=%.2f per_core_per_s_%s=%.0f per_core_per_s_%s=%.0f"
              + " load_ms_%s=%d%n",
          two,
          two / one,
          embedder.modelId(),
          miniLmSeconds / embedSeconds,
          e5.modelId(),
          e5Seconds / embedSeconds,
          embedder.modelId(),
          miniLmPerCore,
          e5.modelId(),
          e5PerCore,
          e5.modelId(),
          e5.shared().loadMillis());
    }
    return 0;
  }

  private static String describe(Map<String, int[]> flips) {
    if (flips.isEmpty()) {
      return "(reference)";
    }
    StringBuilder out = new StringBuilder();
    flips.forEach(
        (dataset, f) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "%s %d/%d (%.2f %%)  ",
                    dataset,
                    f[0],
                    f[1],
                    100.0 * f[0] / f[1])));
    return out.toString().trim();
  }

  /**
   * Runs the job on the first {@link #WARM_UP_TEXTS} texts, unreported, until the JIT compilers are
   * quiet: the broker, Flink and the Kafka clients share this JVM, and after one such run the C2
   * compiler still took a quarter of the CPU during (b) (async-profiler), work a long-running job
   * has long finished. Quiet is compiling under {@link #JIT_QUIET} of one core's time during a run;
   * at most {@link #WARM_UP_ROUNDS} runs.
   */
  private void warmUp(
      DemoStack stack,
      RestSchemaRegistryClient registry,
      EmbedderHandle embedder,
      List<String> texts,
      int batch)
      throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
      long compiledBefore = jit.getTotalCompilationTime();
      long start = System.nanoTime();
      double rate =
          throughput(stack, registry, embedder, "benchwarm" + round + ".", texts, 1, batch);
      double wallMs = (System.nanoTime() - start) / 1e6;
      double compiling = (jit.getTotalCompilationTime() - compiledBefore) / wallMs;
      out.printf(
          "    warm-up %d: %.0f/s, JIT compiling %.0f %% of one core%n",
          round, rate, 100 * compiling);
      if (compiling < JIT_QUIET) {
        return;
      }
    }
  }

  /** Starts the CPU profile of (b), or says why there is none (the figures go on without it). */
  private StageProfile startProfile() {
    try {
      return StageProfile.start();
    } catch (Throwable e) { // e.g. UnsatisfiedLinkError on a platform async-profiler lacks
      out.printf("(f) no CPU profile: %s%n", e);
      return null;
    }
  }

  /** Events per second through the job: all texts pre-loaded, timed from first to last output. */
  private double throughput(
      DemoStack stack,
      RestSchemaRegistryClient registry,
      EmbedderHandle embedder,
      String prefix,
      List<String> texts,
      int classifiers,
      int batch)
      throws Exception {
    return throughput(
        stack,
        registry,
        embedder,
        prefix,
        texts,
        Collections.nCopies(classifiers, embedder),
        batch);
  }

  /** {@link #throughput}, classifier {@code c<i>} reading the network {@code networks.get(i)}. */
  private double throughput(
      DemoStack stack,
      RestSchemaRegistryClient registry,
      EmbedderHandle embedder,
      String prefix,
      List<String> texts,
      List<EmbedderHandle> networks,
      int batch)
      throws Exception {
    int classifiers = networks.size();
    try (BenchPipeline run = new BenchPipeline(stack, registry, embedder, prefix, false)) {
      for (int c = 0; c < classifiers; c++) {
        run.publish("c" + c, 1, networks.get(c));
      }
      for (int i = 0; i < texts.size(); i++) {
        run.send("t-" + i, texts.get(i), i % BenchPipeline.PARTITIONS);
      }
      run.flush();
      run.startJob(batch);
      long expected = (long) texts.size() * classifiers;
      long[] seen = {0, Long.MAX_VALUE, Long.MIN_VALUE};
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (seen[0] < expected && System.nanoTime() < deadline) {
        run.poll(
            Duration.ofMillis(200),
            a -> {
              seen[0]++;
              seen[1] = Math.min(seen[1], a.prediction().getPredictedAtMs());
              seen[2] = Math.max(seen[2], a.prediction().getPredictedAtMs());
            });
      }
      if (seen[0] < expected) {
        throw new IllegalStateException(
            "only " + seen[0] + " of " + expected + " predictions within 10 minutes");
      }
      return texts.size() / Math.max(0.001, (seen[2] - seen[1]) / 1000.0);
    }
  }

  /**
   * Latency from the event's append to its prediction's visibility to a consumer ({@code p50},
   * {@code p99}) and to its prediction's append ({@code appendP50}, {@code appendP99}).
   */
  private record LatencyAndSwaps(
      long p50,
      long p99,
      long appendP50,
      long appendP99,
      long jobP50,
      long jobP99,
      long swapP50,
      long swapP99,
      int swaps,
      int lost,
      int duplicated) {}

  /**
   * Streams texts at {@code rate} for a while, publishing a new version every 1.5 s after a
   * warm-up; end-to-end latency is from the broker's append of the event (its topic stamps records
   * with their append time) to the consumer's receipt of its prediction, and to the prediction's
   * own append. A swap is done when every subtask (one per content partition) has emitted a
   * prediction of the new version; its latency is from the publish until then.
   */
  private LatencyAndSwaps latencyAndSwaps(
      DemoStack stack,
      RestSchemaRegistryClient registry,
      EmbedderHandle embedder,
      List<String> texts,
      double rate,
      int batch)
      throws Exception {
    try (BenchPipeline run = new BenchPipeline(stack, registry, embedder, "benchlat.", true)) {
      run.publish("c0", 1);
      run.startJob(batch, delivery, checkpointInterval);
      Map<String, Long> sentAt = new HashMap<>();
      Map<String, Long> appendedAt = new ConcurrentHashMap<>(); // filled on the producer's thread
      Map<String, Integer> partitionOf = new HashMap<>();
      Map<String, Integer> predictions = new HashMap<>();
      Map<String, BenchPipeline.Arrived> measured = new HashMap<>(); // first arrival, after warm-up
      List<Long> jobLatencies = new ArrayList<>();
      Map<Integer, Long> published = new TreeMap<>();
      Map<Integer, Map<Integer, Long>> firstServed = new HashMap<>(); // version -> partition -> ms
      AtomicInteger version = new AtomicInteger(1);

      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(latencySeconds).toNanos();
      long warmUp = start + Duration.ofSeconds(5).toNanos();
      long nextSwap = warmUp;
      long pause = (long) (1e9 / rate);
      long nextSend = start;
      int i = 0;
      while (System.nanoTime() < end) {
        long now = System.nanoTime();
        while (nextSend <= now) {
          String id = "l-" + i;
          int partition = i % BenchPipeline.PARTITIONS;
          sentAt.put(id, System.currentTimeMillis());
          partitionOf.put(id, partition);
          run.send(id, texts.get(i % texts.size()), partition, at -> appendedAt.put(id, at));
          i++;
          nextSend += pause;
        }
        if (now >= nextSwap && version.get() <= swaps) {
          int v = version.incrementAndGet();
          published.put(v, run.publish("c0", v));
          nextSwap = now + Duration.ofMillis(1500).toNanos();
        }
        boolean measuring = now > warmUp;
        run.poll(
            Duration.ofMillis(1),
            a ->
                record(
                    a,
                    measuring,
                    sentAt,
                    partitionOf,
                    predictions,
                    measured,
                    jobLatencies,
                    firstServed));
      }
      run.flush();
      long drain = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (predictions.size() < sentAt.size() && System.nanoTime() < drain) {
        run.poll(
            Duration.ofMillis(100),
            a ->
                record(
                    a,
                    false,
                    sentAt,
                    partitionOf,
                    predictions,
                    measured,
                    jobLatencies,
                    firstServed));
      }
      int lost = sentAt.size() - predictions.size();
      int duplicated = (int) predictions.values().stream().filter(n -> n > 1).count();
      long[] swapMs =
          published.entrySet().stream()
              .mapToLong(
                  e -> {
                    Map<Integer, Long> served = firstServed.getOrDefault(e.getKey(), Map.of());
                    if (served.size() < BenchPipeline.PARTITIONS) {
                      return Long.MAX_VALUE; // never served everywhere: counts as a failed swap
                    }
                    return served.values().stream().mapToLong(Long::longValue).max().orElseThrow()
                        - e.getValue();
                  })
              .sorted()
              .toArray();
      // Every acknowledgement has arrived (flush), so every measured event has its append time.
      List<Long> visible = new ArrayList<>();
      List<Long> appended = new ArrayList<>();
      measured.forEach(
          (id, a) -> {
            Long eventAppended = appendedAt.get(id);
            if (eventAppended != null) {
              visible.add(a.receivedAtMs() - eventAppended);
              appended.add(a.appendedAtMs() - eventAppended);
            }
          });
      long[] lat = visible.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] appendLat = appended.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] jobLat = jobLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
      out.printf(
          "(c) latency at %.0f/s, %s, checkpoints every %s, %d samples: event appended to"
              + " prediction visible p50 %d / p99 %d ms, to prediction appended p50 %d / p99 %d ms;"
              + " (d) %d swaps: %s ms%n",
          rate,
          delivery,
          checkpointInterval,
          lat.length,
          percentile(lat, 50),
          percentile(lat, 99),
          percentile(appendLat, 50),
          percentile(appendLat, 99),
          swapMs.length,
          Arrays.toString(swapMs));
      return new LatencyAndSwaps(
          percentile(lat, 50),
          percentile(lat, 99),
          percentile(appendLat, 50),
          percentile(appendLat, 99),
          percentile(jobLat, 50),
          percentile(jobLat, 99),
          percentile(swapMs, 50),
          percentile(swapMs, 99),
          swapMs.length,
          lost,
          duplicated);
    }
  }

  private static void record(
      BenchPipeline.Arrived a,
      boolean measuring,
      Map<String, Long> sentAt,
      Map<String, Integer> partitionOf,
      Map<String, Integer> predictions,
      Map<String, BenchPipeline.Arrived> measured,
      List<Long> jobLatencies,
      Map<Integer, Map<Integer, Long>> firstServed) {
    Prediction p = a.prediction();
    String id = p.getContentId();
    predictions.merge(id, 1, Integer::sum);
    if (measuring && sentAt.containsKey(id) && measured.putIfAbsent(id, a) == null) {
      jobLatencies.add(p.getLatencyMs()); // inside the job: arrival in the operator to emission
    }
    Integer partition = partitionOf.get(id);
    if (partition != null) {
      // a subtask serving version v also "serves" every earlier one from then on
      for (int v = 2; v <= p.getModelVersion(); v++) {
        firstServed
            .computeIfAbsent(v, k -> new HashMap<>())
            .putIfAbsent(partition, p.getPredictedAtMs());
      }
    }
  }

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
