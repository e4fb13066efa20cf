package dev.sieve.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCli;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.EmbeddedKafka;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's long-running clients through a broker outage: a private broker (not the JVM's shared
 * one) is stopped for {@link #OUTAGE} under a running {@code sieve oracle}, {@code sieve produce}
 * and {@code sieve tail}, then restarted on the same address. While it is away the JVM's CPU time
 * stays low (the share consumer spun at 175 % of a core before), the client says once what it waits
 * for and once that the broker is back, and afterwards it carries on: nothing is lost, nothing is
 * done twice. The registry is the shared one (it stays up).
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class BrokerOutageIT {

  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final double MAX_CPU_SHARE = 0.20; // of one core, averaged over the outage
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final Pattern WAITING =
      Pattern.compile(
          "waiting for the Kafka broker at 127\\.0\\.0\\.1:\\d+ \\(unreachable since"
              + " \\d\\d:\\d\\d:\\d\\d\\) \\.\\.\\.");
  private static final Pattern BACK =
      Pattern.compile("the Kafka broker at 127\\.0\\.0\\.1:\\d+ is back after \\d+ s; resuming");

  private final ItStack it = new ItStack("it-outage", null);
  private final String prefix = it.prefix();
  @TempDir Path dir;
  private EmbeddedKafka kafka;

  @BeforeEach
  void startPrivateBroker() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        List.of(
            new NewTopic(Topics.LABELING_REQUESTS.name(prefix), 1, (short) 1),
            new NewTopic(Topics.LABELS.name(prefix), 1, (short) 1),
            new NewTopic(Topics.CONTENT_RAW.name(prefix), 1, (short) 1)));
  }

  @AfterEach
  void closeBroker() {
    kafka.close();
  }

  @Test
  void oracleWaitsQuietlyAndAnswersTheRestOnceTheBrokerIsBack() throws Exception {
    List<String> ids = IntStream.range(0, 20).mapToObj(i -> "req-" + i).toList();
    Path answers = dir.resolve("answers.jsonl");
    Files.write(
        answers,
        ids.stream()
            .map(id -> "{\"id\": \"" + id + "\", \"text\": \"t\", \"label\": \"spam\"}")
            .toList());
    // --stop-when-idle shorter than the outage: time without a broker must not count as idle.
    Background oracle =
        Background.run(
            cli(
                "oracle",
                "--answers",
                answers.toString(),
                "--group",
                "outage",
                "--stop-when-idle",
                "12s"));

    sendRequests(ids.subList(0, 10));
    awaitLabels(10);

    double cpu = outage(oracle);

    sendRequests(ids.subList(10, 20));
    Map<String, Long> labelsPerId = awaitLabels(20);
    assertThat(labelsPerId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(labelsPerId.values()).allSatisfy(n -> assertThat(n).isEqualTo(1L)); // none twice
    CliRun run = oracle.await();
    System.out.println("sieve oracle through an outage, stderr:\n" + run.err());
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("answered 20 (0 wrong on purpose), rejected 0");
    assertOneOutageAnnounced(run.err());
    assertThat(cpu).isLessThan(MAX_CPU_SHARE);
  }

  @Test
  void produceHoldsTheLinesReadDuringTheOutageAndDeliversEachOnce() throws Exception {
    Path fifo = dir.resolve("lines.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    Background produce = Background.run(cli("produce", "--file", fifo.toString()));
    try (OutputStream lines = Files.newOutputStream(fifo)) { // opens once produce reads
      writeLines(lines, 0, 50);
      awaitRaw(50);

      kafka.stop();
      long stopped = System.nanoTime();
      writeLines(lines, 50, 100); // read while the broker is away: send() waits for metadata
      double cpu = outageAlreadyBegun(produce, stopped);
      writeLines(lines, 100, 120);
      assertThat(cpu).isLessThan(MAX_CPU_SHARE);
    }
    CliRun run = produce.await();
    System.out.println("sieve produce through an outage: " + run.out() + run.err());
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("produced=120 skipped=0");
    Map<String, Long> perId = awaitRaw(120);
    assertThat(perId).hasSize(120);
    assertThat(perId.values()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
    assertOneOutageAnnounced(run.err());
  }

  @Test
  void tailKeepsFollowingAfterTheBrokerIsBack() throws Exception {
    Background tail = Background.run(cli("tail", "raw", "--from-beginning", "--max", "20"));
    produceRaw(0, 10);
    Awaitility.await().atMost(DEADLINE).until(() -> tail.out().lines().count() == 10);

    double cpu = outage(tail);

    produceRaw(10, 20);
    CliRun run = tail.await();
    System.out.println("sieve tail through an outage, stderr:\n" + run.err());
    assertThat(run.exit()).isZero();
    assertThat(run.out().lines().map(l -> l.split("\\s+")[0]).toList())
        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "line-" + i).toList());
    assertOneOutageAnnounced(run.err());
    assertThat(cpu).isLessThan(MAX_CPU_SHARE);
  }

  /**
   * Stops the broker for {@link #OUTAGE}, checks that {@code client} announced it by then, restarts
   * the broker, and returns the JVM's CPU time over the outage as a share of one core.
   */
  private double outage(Background client) throws Exception {
    kafka.stop();
    return outageAlreadyBegun(client, System.nanoTime());
  }

  private double outageAlreadyBegun(Background client, long stoppedNanos) throws Exception {
    CpuMeter meter = new CpuMeter();
    long until = stoppedNanos + OUTAGE.toNanos();
    while (System.nanoTime() < until) {
      Thread.sleep(200);
    }
    double share = meter.shareOfOneCore();
    assertThat(WAITING.matcher(client.err()).find())
        .as("the waiting line, printed during the outage; stderr so far: %s", client.err())
        .isTrue();
    kafka.restart();
    return share;
  }

  private static void assertOneOutageAnnounced(String err) {
    assertThat(count(WAITING, err)).as(err).isEqualTo(1);
    assertThat(count(BACK, err)).as(err).isEqualTo(1);
    assertThat(err.indexOf("waiting for")).isLessThan(err.indexOf("is back after"));
  }

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private String[] cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--registry-url",
            it.registryUrl(),
            "--topic-prefix",
            prefix));
    return all.toArray(new String[0]);
  }

  private void sendRequests(List<String> ids) throws Exception {
    String topic = Topics.LABELING_REQUESTS.name(prefix);
    ConfluentAvroCodec<LabelRequest> codec = it.codec(LabelRequest.class);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (String id : ids) {
        LabelRequest request =
            LabelRequest.newBuilder()
                .setContentId(id)
                .setClassifier("spam-filter")
                .setText("text of " + id)
                .setGuess("spam")
                .setConfidence(0.55)
                .setScores(Map.of("spam", 0.55, "ham", 0.45))
                .setLabels(List.of("spam", "ham"))
                .setModelVersion(1)
                .setStrategy("margin")
                .setSelectionScore(0.1)
                .setRandomShare(false)
                .setRequestedAtMs(System.currentTimeMillis())
                .build();
        producer
            .send(new ProducerRecord<>(topic, bytes(id), codec.encode(topic, request)))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private void produceRaw(int from, int to) throws Exception {
    String topic = Topics.CONTENT_RAW.name(prefix);
    ConfluentAvroCodec<ContentEvent> codec = it.codec(ContentEvent.class);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = from; i < to; i++) {
        ContentEvent event =
            ContentLine.parse(
                    "{\"id\": \"line-"
                        + i
                        + "\", \"text\": \"text "
                        + i
                        + "\", \"source\": \"it\"}")
                .event();
        producer
            .send(new ProducerRecord<>(topic, bytes("line-" + i), codec.encode(topic, event)))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void writeLines(OutputStream out, int from, int to) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = from; i < to; i++) {
      lines.append("{\"id\": \"line-").append(i).append("\", \"text\": \"text ").append(i);
      lines.append("\", \"source\": \"it\"}\n");
    }
    out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Labels on the private broker, counted per content id, once at least {@code n} ids have one. */
  private Map<String, Long> awaitLabels(int n) {
    ConfluentAvroCodec<Label> codec = it.codec(Label.class);
    return awaitPerId(Topics.LABELS.name(prefix), v -> codec.decode(v).getContentId(), n);
  }

  private Map<String, Long> awaitRaw(int n) {
    ConfluentAvroCodec<ContentEvent> codec = it.codec(ContentEvent.class);
    return awaitPerId(Topics.CONTENT_RAW.name(prefix), v -> codec.decode(v).getId(), n);
  }

  private Map<String, Long> awaitPerId(String topic, Function<byte[], String> id, int n) {
    Map<String, Long> perId = new HashMap<>();
    Awaitility.await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              perId.clear();
              perId.putAll(
                  readAll(topic).stream()
                      .map(r -> id.apply(r.value()))
                      .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
              return perId.size() >= n;
            });
    return perId;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * CPU time of the whole JVM (every thread, those that end meanwhile too, GC and JIT, and the idle
   * shared broker of the test JVM) since it was made, as a share of one core of wall time.
   */
  private static final class CpuMeter {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> threadStart = new HashMap<>();
    private final long cpuStart = os.getProcessCpuTime();
    private final long wallStart = System.nanoTime();

    CpuMeter() {
      for (long id : threads.getAllThreadIds()) {
        threadStart.put(id, threads.getThreadCpuTime(id));
      }
    }

    double shareOfOneCore() {
      long wall = System.nanoTime() - wallStart;
      double share = (double) (os.getProcessCpuTime() - cpuStart) / wall;
      StringBuilder top = new StringBuilder();
      Map<String, Long> perThread = new HashMap<>();
      for (long id : threads.getAllThreadIds()) {
        var info = threads.getThreadInfo(id);
        long cpu = threads.getThreadCpuTime(id) - threadStart.getOrDefault(id, 0L);
        if (info != null && cpu > 0) {
          perThread.merge(info.getThreadName(), cpu, Long::sum);
        }
      }
      perThread.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(4)
          .forEach(
              e ->
                  top.append(
                      String.format(" %s %.1f %%;", e.getKey(), 100.0 * e.getValue() / wall)));
      System.out.printf(
          "CPU over the %.1f s outage: %.1f %% of one core (whole JVM); busiest threads:%s%n",
          wall / 1e9, share * 100, top);
      return share;
    }
  }

  /** A {@code sieve} command running on its own thread, its output readable while it runs. */
  private static final class Background {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private CompletableFuture<Integer> exit;

    static Background run(String... args) {
      Background b = new Background();
      var cli = SieveCli.commandLine();
      cli.setOut(new PrintWriter(b.out, true));
      cli.setErr(new PrintWriter(b.err, true));
      b.exit =
          CompletableFuture.supplyAsync(
              () -> cli.execute(args),
              r -> {
                Thread t = new Thread(r, "sieve-" + args[0]);
                t.setDaemon(true);
                t.start();
              });
      return b;
    }

    String out() {
      return out.toString();
    }

    String err() {
      return err.toString();
    }

    CliRun await() throws Exception {
      int code = exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      return new CliRun(code, out(), err());
    }
  }
}
