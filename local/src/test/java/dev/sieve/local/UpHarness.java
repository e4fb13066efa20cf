package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.TempDirs;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the ITs of {@code ./sieve up} share: {@code up} (or any launcher command) run as the
 * launcher runs it, in a child JVM on one data directory, and the Kafka side of the checks — paced
 * JSON events in, every committed prediction and model version out ({@code read_committed}).
 */
final class UpHarness implements AutoCloseable {

  static final List<String> JOBS =
      List.of("ingest-job", "inference-job", "active-learning-job", "retrain-trigger");
  static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  private final String name;
  final Path dataDir;
  final int portBase = freePortBase();
  private final List<Process> children = new ArrayList<>();
  private int runs;

  UpHarness(String name) {
    this.name = name;
    this.dataDir = TempDirs.create("sieve-" + name + "-");
  }

  /** A child JVM of {@code ./sieve up}, its output in a log file. */
  record Up(Process process, Path logFile) {
    String log() throws IOException {
      return Files.readString(logFile);
    }

    /** Ctrl-C: SIGINT, as the terminal sends it. */
    void interrupt() throws IOException, InterruptedException {
      Process kill =
          new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start();
      assertThat(kill.waitFor()).as("kill -INT").isZero();
    }
  }

  /** Starts {@code sieve up --data-dir … --port-base …} and waits until it says it is ready. */
  Up startUp(String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("up", "--data-dir", dataDir.toString(), "--port-base", "" + portBase));
    args.addAll(List.of(more));
    Up up = launch(args);
    try {
      await("sieve up ready")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertThat(up.process.isAlive()).as("sieve up runs").isTrue();
                return up.log().contains("sieve up: ready");
              });
    } catch (Throwable t) {
      System.err.println("--- " + up.logFile + " ---\n" + up.log());
      throw t;
    }
    return up;
  }

  /** Runs a launcher command to its end in a child JVM; its exit code and output. */
  Up run(String... args) throws Exception {
    Up up = launch(List.of(args));
    assertThat(up.process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .as("sieve " + String.join(" ", args) + " ends")
        .isTrue();
    return up;
  }

  private Up launch(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    // As from a terminal: SIGINT at its default even when this build runs with it ignored (a
    // background job of a script, where a JVM never sees a Ctrl-C).
    command.addAll(List.of("env", "--default-signal=INT"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Djava.net.preferIPv4Stack=true");
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Sieve.class.getName()));
    command.addAll(args);
    Path log =
        Files.createDirectories(Path.of("target"))
            .resolve(name + "-" + args.get(0) + "-" + ++runs + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    children.add(process);
    return new Up(process, log);
  }

  /** {@code <data-dir>/sieve.properties}, as {@code up} wrote it. */
  Path settings() {
    return dataDir.resolve(DataDir.SETTINGS);
  }

  Properties settingsProperties() throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(settings())) {
      props.load(in);
    }
    return props;
  }

  /** A regular expression: each job's line says it resumed from its {@code kind} directory. */
  static String resumedFrom(String kind) {
    StringBuilder pattern = new StringBuilder("(?s)");
    for (String job : JOBS) {
      pattern
          .append(".*")
          .append(job)
          .append(" +running .*resumed from [^\\n]*/")
          .append(kind)
          .append("/")
          .append(job);
    }
    return pattern.toString();
  }

  @Override
  public void close() {
    children.forEach(Process::destroyForcibly);
    DataDir.readPidFile(dataDir.resolve(DataDir.REGISTRY_PID_FILE))
        .flatMap(ProcessHandle::of)
        .ifPresent(ProcessHandle::destroyForcibly);
    TempDirs.deleteQuietly(dataDir);
  }

  // ------------------------------------------------------------------ Kafka

  /** Paced JSON events to sieve.content.raw, waiting through a broker that is away. */
  static final class Feed {
    final List<String> ids = new ArrayList<>();
    final AtomicInteger acknowledged = new AtomicInteger();
    final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> finished;

    /** {@code events} events {@code <idPrefix><n>}, with the texts {@code text} gives each id. */
    static Feed start(
        String bootstrap,
        String idPrefix,
        int events,
        Duration pause,
        Function<String, String> text) {
      Feed feed = new Feed();
      for (int i = 0; i < events; i++) {
        feed.ids.add(idPrefix + i);
      }
      feed.finished = CompletableFuture.runAsync(() -> feed.send(bootstrap, pause, text));
      return feed;
    }

    /** Events about invoices, parcels, app crashes and great service, in a seeded order. */
    static Feed start(String bootstrap, String idPrefix, int events, Duration pause) {
      Random random = new Random(events);
      String[] subjects = {"invoice", "parcel", "app crash", "great service"};
      return start(
          bootstrap,
          idPrefix,
          events,
          pause,
          id -> "event " + id + " about " + subjects[random.nextInt(subjects.length)]);
    }

    private void send(String bootstrap, Duration pause, Function<String, String> text) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("key.serializer", StringSerializer.class.getName());
      p.put("value.serializer", StringSerializer.class.getName());
      p.put("acks", "all");
      p.put("enable.idempotence", "true");
      p.put("delivery.timeout.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
      p.put("max.block.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (String id : ids) {
          String json =
              "{\"id\":\"" + id + "\",\"text\":\"" + text.apply(id).replace("\"", "'") + "\"}";
          producer.send(
              new ProducerRecord<>(Topics.CONTENT_RAW.name(UpCommand.PREFIX), id, json),
              (metadata, e) -> {
                if (e == null) {
                  acknowledged.incrementAndGet();
                } else {
                  failures.add(e);
                }
              });
          if (!pause.isZero()) {
            Thread.sleep(pause.toMillis());
          }
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Waits until every id has a prediction of {@code classifier}; every prediction by id. */
  static Map<String, List<Prediction>> awaitPredicted(
      String bootstrap,
      String registryUrl,
      String classifier,
      List<String> ids,
      Duration deadline) {
    Map<String, List<Prediction>> last = new HashMap<>();
    await("every event predicted")
        .atMost(deadline)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              last.clear();
              last.putAll(predictions(bootstrap, registryUrl, classifier));
              return last.keySet().containsAll(ids);
            });
    return last;
  }

  /** Every committed prediction of {@code classifier}, by event id. */
  static Map<String, List<Prediction>> predictions(
      String bootstrap, String registryUrl, String classifier) {
    ConfluentAvroCodec<Prediction> codec =
        new ConfluentAvroCodec<>(RestSchemaRegistryClient.forUrl(registryUrl), Prediction.class);
    Map<String, List<Prediction>> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        readCommitted(bootstrap, Topics.PREDICTIONS.name(UpCommand.PREFIX))) {
      Prediction p = codec.decode(r.value());
      if (p.getClassifier().equals(classifier)) {
        byId.computeIfAbsent(p.getContentId(), id -> new ArrayList<>()).add(p);
      }
    }
    return byId;
  }

  /** Every committed version of {@code classifier} on sieve.models, in offset order. */
  static List<ModelVersion> modelVersions(String bootstrap, String registryUrl, String classifier) {
    ConfluentAvroCodec<ModelVersion> codec =
        new ConfluentAvroCodec<>(RestSchemaRegistryClient.forUrl(registryUrl), ModelVersion.class);
    return readCommitted(bootstrap, Topics.MODELS.name(UpCommand.PREFIX)).stream()
        .filter(r -> r.value() != null)
        .map(r -> codec.decode(r.value()))
        .filter(v -> v.getClassifier().equals(classifier))
        .toList();
  }

  /** The topic from its beginning to its last stable offset, {@code read_committed}. */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Function<TopicPartition, Boolean> done = tp -> consumer.position(tp) >= end.get(tp);
      while (!partitions.stream().allMatch(done::apply)) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /** A base port whose next three ports are free on the loopback interface too. */
  private static int freePortBase() {
    Random random = new Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 20_000 + random.nextInt(30_000);
      if (allFree(base)) {
        return base;
      }
    }
    throw new IllegalStateException("no four consecutive free ports found");
  }

  private static boolean allFree(int base) {
    for (int port = base; port < base + 4; port++) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  static void phase(String test, String done, long t0) {
    System.out.printf("%s: %-55s at %6.1f s%n", test, done, (System.nanoTime() - t0) / 1e9);
  }
}
