package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.ListeningSockets;
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
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sieve up} as a user runs it, in a child JVM on a data directory: killed with {@code kill
 * -9} mid-stream it resumes every job from its retained checkpoint; stopped with {@code ./sieve
 * down} (SIGTERM, the Ctrl-C path) it writes a savepoint per job and resumes from it; across both,
 * every event is predicted exactly once ({@code read_committed}) and the published classifier
 * version is still served.
 */
class UpDownIT {

  private static final String CLASSIFIER = "topic";
  private static final int FIRST_EVENTS = 1_500;
  private static final int LAST_EVENTS = 50;
  private static final List<String> JOBS =
      List.of("ingest-job", "inference-job", "active-learning-job", "retrain-trigger");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  private final Path dataDir = TempDirs.create("sieve-up-it-");
  private final int portBase = freePortBase();
  private final List<Process> children = new ArrayList<>();
  private int starts;

  @AfterEach
  void cleanUp() {
    children.forEach(Process::destroyForcibly);
    DataDir.readPidFile(dataDir.resolve(DataDir.REGISTRY_PID_FILE))
        .flatMap(ProcessHandle::of)
        .ifPresent(ProcessHandle::destroyForcibly);
    TempDirs.deleteQuietly(dataDir);
  }

  @Test
  void resumesAfterKillAndAfterDownWithEveryEventPredictedOnce() throws Exception {
    long t0 = System.nanoTime();
    Up first = startUp();
    assertThat(first.log()).contains("no earlier state");
    assertEveryListenerOnLoopback(first);
    assertThatThrownBy(() -> DataDir.lock(dataDir))
        .hasMessageContaining("another ./sieve up runs on");
    Path settings = dataDir.resolve(DataDir.SETTINGS);
    assertThat(Sieve.commandLine().execute(classifierCreate(settings))).isZero();
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(settings)) {
      props.load(in);
    }
    String bootstrap = props.getProperty("bootstrap.servers");
    String registryUrl = props.getProperty("schema.registry.url");
    // the deployment's key pair, generated on the first start: the private key owner-only
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(DataDir.SIGNING_KEY))))
        .isEqualTo("rw-------");
    assertThat(props.getProperty("sieve.model.trusted.keys")).endsWith(DataDir.PUBLIC_KEY);
    phase("up ready, classifier published", t0);

    Feed feed = Feed.start(bootstrap, "first-", FIRST_EVENTS, Duration.ofMillis(25));
    await("a first prediction")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !predictions(bootstrap, registryUrl).isEmpty());
    int sentAtKill = feed.acknowledged.get();
    first.process.destroyForcibly().waitFor();
    assertThat(sentAtKill).as("events acknowledged when killed").isLessThan(FIRST_EVENTS);
    phase("kill -9 after " + sentAtKill + " events acknowledged", t0);

    Up second = startUp();
    assertThat(second.log())
        .as("every job resumes from its retained checkpoint")
        .containsPattern(resumedFrom("checkpoints"));
    feed.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(feed.failures).isEmpty();
    awaitPredicted(bootstrap, registryUrl, feed.ids);
    phase("second up, " + FIRST_EVENTS + " events predicted", t0);

    assertThat(Sieve.commandLine().execute("down", "--data-dir", dataDir.toString())).isZero();
    assertThat(second.process.isAlive()).isFalse();
    assertThat(second.process.exitValue()).isZero();
    for (String job : JOBS) {
      try (Stream<Path> savepoints = Files.list(dataDir.resolve("flink/savepoints").resolve(job))) {
        assertThat(savepoints.filter(p -> Files.isRegularFile(p.resolve("_metadata"))))
            .as("savepoint of " + job)
            .hasSize(1);
      }
    }
    phase("down: a savepoint per job", t0);

    Up third = startUp();
    assertThat(third.log())
        .as("every job resumes from its savepoint")
        .containsPattern(resumedFrom("savepoints"));
    Feed last = Feed.start(bootstrap, "last-", LAST_EVENTS, Duration.ZERO);
    last.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    List<String> all = new ArrayList<>(feed.ids);
    all.addAll(last.ids);
    Map<String, List<Prediction>> predicted = awaitPredicted(bootstrap, registryUrl, all);
    phase("third up, " + all.size() + " events predicted", t0);

    assertThat(predicted.keySet()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(predicted.values())
        .as("predictions per event and classifier")
        .allSatisfy(p -> assertThat(p).hasSize(1));
    assertThat(last.ids)
        .allSatisfy(id -> assertThat(predicted.get(id).get(0).getModelVersion()).isZero());
    assertThat(modelVersions(bootstrap, registryUrl)).containsExactly(0);
    assertThat(Sieve.commandLine().execute("down", "--data-dir", dataDir.toString())).isZero();
    assertThat(third.process.exitValue()).isZero();
  }

  // ------------------------------------------------------------------ the child JVM

  private record Up(Process process, Path logFile) {
    String log() throws IOException {
      return Files.readString(logFile);
    }
  }

  /** Starts {@code sieve up} as the launcher does and waits until it says it is ready. */
  private Up startUp() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Djava.net.preferIPv4Stack=true");
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens"))
        .forEach(command::add);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Sieve.class.getName(),
            "up",
            "--data-dir",
            dataDir.toString(),
            "--port-base",
            String.valueOf(portBase)));
    Path log =
        Files.createDirectories(Path.of("target")).resolve("UpDownIT-up-" + ++starts + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    children.add(process);
    Up up = new Up(process, log);
    try {
      await("sieve up ready")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertThat(process.isAlive()).as("sieve up runs").isTrue();
                return up.log().contains("sieve up: ready");
              });
    } catch (Throwable t) {
      System.err.println("--- " + log + " ---\n" + up.log());
      throw t;
    }
    return up;
  }

  private void assertEveryListenerOnLoopback(Up up) {
    long registry = DataDir.readPidFile(dataDir.resolve(DataDir.REGISTRY_PID_FILE)).orElseThrow();
    for (long pid : new long[] {up.process.pid(), registry}) {
      assertThat(ListeningSockets.tcpListeners(pid))
          .as("listeners of pid " + pid)
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    }
    assertThat(ListeningSockets.tcpListeners(up.process.pid()))
        .extracting(a -> a.getPort())
        .contains(portBase, portBase + 2, portBase + 3);
  }

  private static String resumedFrom(String kind) {
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

  private String[] classifierCreate(Path settings) {
    return new String[] {
      "classifier",
      "create",
      CLASSIFIER,
      "--labels",
      "billing,shipping,bug,praise",
      "--config",
      settings.toString()
    };
  }

  // ------------------------------------------------------------------ Kafka

  /** Paced JSON events to sieve.content.raw, waiting through a broker that is away. */
  private static final class Feed {
    final List<String> ids = new ArrayList<>();
    final AtomicInteger acknowledged = new AtomicInteger();
    final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> finished;

    static Feed start(String bootstrap, String idPrefix, int events, Duration pause) {
      Feed feed = new Feed();
      for (int i = 0; i < events; i++) {
        feed.ids.add(idPrefix + i);
      }
      feed.finished = CompletableFuture.runAsync(() -> feed.send(bootstrap, pause));
      return feed;
    }

    private void send(String bootstrap, Duration pause) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("key.serializer", StringSerializer.class.getName());
      p.put("value.serializer", StringSerializer.class.getName());
      p.put("acks", "all");
      p.put("enable.idempotence", "true");
      p.put("delivery.timeout.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
      p.put("max.block.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
      Random random = new Random(ids.size());
      String[] subjects = {"invoice", "parcel", "app crash", "great service"};
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (String id : ids) {
          String text = "event " + id + " about " + subjects[random.nextInt(subjects.length)];
          String json = "{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}";
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

  private static Map<String, List<Prediction>> awaitPredicted(
      String bootstrap, String registryUrl, List<String> ids) {
    Map<String, List<Prediction>> last = new HashMap<>();
    await("every event predicted")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              last.clear();
              last.putAll(predictions(bootstrap, registryUrl));
              return last.keySet().containsAll(ids);
            });
    return last;
  }

  /** Every committed prediction of the classifier, by event id. */
  private static Map<String, List<Prediction>> predictions(String bootstrap, String registryUrl) {
    ConfluentAvroCodec<Prediction> codec =
        new ConfluentAvroCodec<>(RestSchemaRegistryClient.forUrl(registryUrl), Prediction.class);
    Map<String, List<Prediction>> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        readCommitted(bootstrap, Topics.PREDICTIONS.name(UpCommand.PREFIX))) {
      Prediction p = codec.decode(r.value());
      if (p.getClassifier().equals(CLASSIFIER)) {
        byId.computeIfAbsent(p.getContentId(), id -> new ArrayList<>()).add(p);
      }
    }
    return byId;
  }

  private static List<Integer> modelVersions(String bootstrap, String registryUrl) {
    ConfluentAvroCodec<ModelVersion> codec =
        new ConfluentAvroCodec<>(RestSchemaRegistryClient.forUrl(registryUrl), ModelVersion.class);
    return readCommitted(bootstrap, Topics.MODELS.name(UpCommand.PREFIX)).stream()
        .filter(r -> r.value() != null)
        .map(r -> codec.decode(r.value()))
        .filter(v -> v.getClassifier().equals(CLASSIFIER))
        .map(ModelVersion::getVersion)
        .toList();
  }

  /** The topic from its beginning to its last stable offset, {@code read_committed}. */
  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String bootstrap, String topic) {
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

  private static void phase(String done, long t0) {
    System.out.printf("UpDownIT: %-50s at %6.1f s%n", done, (System.nanoTime() - t0) / 1e9);
  }
}
