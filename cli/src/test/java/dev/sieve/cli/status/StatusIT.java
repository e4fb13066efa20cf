package dev.sieve.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCli;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code sieve status} through picocli against the embedded broker and registry, on records written
 * the way the jobs write them: model versions and a refusal, live accuracy, drift alerts, label
 * requests, and the offsets a job's Kafka source commits to its group on a checkpoint (written here
 * with the Admin API, since no Flink job runs). Flink's part is only checked for its skip line and
 * for a URL that does not answer; {@link FlinkJobsTest} reads a real overview.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StatusIT {

  private static final ItStack IT = new ItStack("it-status", null);
  private static final String PREFIX = IT.prefix();
  private static final SigningKey KEY = SigningKey.generate();

  /** 2026-01-01 00:00:00 UTC. */
  private static final long T0 = 1_767_225_600_000L;

  @BeforeAll
  static void deployment() throws Exception {
    Run topics = sieve(IT.cliArgs("topics", "--create", "--partitions", "2"));
    assertThat(topics.exit()).as(topics.err()).isZero();

    send(Topics.MODELS, version("spam", 0, "zero-shot"));
    send(Topics.MODELS, version("spam", 1, "new-labels"));
    send(Topics.MODELS, version("spam", 2, "new-labels"));
    send(Topics.MODELS, version("lang", 0, "zero-shot"));
    send(Topics.MODEL_ALERTS, refusal("spam", 2, "BAD_SIGNATURE", 1));

    send(Topics.ACCURACY, accuracy("spam", 0, 1, 4, 0, 0, T0));
    send(Topics.ACCURACY, accuracy("spam", 1, 3, 4, 0, 0, T0 + 1_000));
    send(Topics.ACCURACY, accuracy("spam", 1, 7, 10, 1, 2, T0 + 2_000));

    send(Topics.DRIFT, drift("spam", "confidence-psi", 0.312, 0.2, T0 + 60_000));
    send(Topics.DRIFT, drift("spam", "class-mix-psi", 0.412, 0.25, T0 + 120_000));
    send(Topics.DRIFT_WINDOWS, window("spam", "class-mix-psi", 0.104, 0.25, 1_500, T0 + 60_000));
    send(Topics.DRIFT_WINDOWS, window("spam", "centroid-cosine", 0.021, 0.03, 2_000, T0 + 120_000));
    send(Topics.DRIFT_WINDOWS, window("spam", "class-mix-psi", 0.412, 0.25, 2_000, T0 + 120_000));

    for (int i = 0; i < 3; i++) {
      send(Topics.LABELING_REQUESTS, request("req-" + i));
    }

    // the ingest job read 7 of the 10 records of partition 0 and none of the 4 of partition 1
    String raw = Topics.CONTENT_RAW.name(PREFIX);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      records.add(new ProducerRecord<>(raw, i < 10 ? 0 : 1, bytes("c" + i), bytes("{}")));
    }
    IT.send(records);
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", IT.bootstrapServers()))) {
      admin
          .alterConsumerGroupOffsets(
              PREFIX + "ingest", Map.of(new TopicPartition(raw, 0), new OffsetAndMetadata(7)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void oneScreenWithLagClassifiersQueueAndDrift() {
    Run run = sieve(IT.cliArgs("status"));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    String out = run.out();
    assertThat(out)
        .startsWith("sieve status at ")
        .contains(
            "\njobs: not shown: give --flink-url http://<jobmanager>:8081 (or"
                + " sieve.flink.rest.url in --config) to see the jobs' state and uptime\n");
    assertThat(lines(out, "  ingest ")).satisfiesExactly(lagRow("ingest", "content.raw", 7, ""));
    String none = " +nothing committed yet \\(counted from the earliest offset\\)";
    assertThat(lines(out, "  inference "))
        .satisfiesExactly(
            lagRow("inference", "content", 0, none), lagRow("inference", "models", 4, none));
    assertThat(lines(out, "  active-learning "))
        .satisfiesExactly(
            lagRow("active-learning", "scored", 0, none),
            lagRow("active-learning", "labels", 0, none));
    assertThat(lines(out, "  retrain "))
        .satisfiesExactly(
            lagRow("retrain", "labelled", 0, none),
            lagRow("retrain", "retrain.requests", 0, none),
            lagRow("retrain", "models", 4, none));
    assertThat(lines(out, "  lang "))
        .singleElement()
        .asString()
        .matches("  lang +v0 +zero-shot +2026-01-01 00:00 +no labels yet +-");
    assertThat(lines(out, "  spam "))
        .satisfiesExactly(
            classifier ->
                assertThat(classifier)
                    .matches(
                        "  spam +v1 +new-labels +2026-01-01 00:01 +0\\.700 \\(7/10\\) +0\\.500"
                            + " \\(1/2\\)"),
            drift ->
                assertThat(drift)
                    .matches("  spam +class-mix-psi +0\\.412 +0\\.250 +v1 +2026-01-01 00:02"),
            // the latest window of each detector, alerted or not
            centroid ->
                assertThat(centroid)
                    .matches(
                        "  spam +centroid-cosine +0\\.021 +0\\.030 +no +v1 +2000 +2026-01-01"
                            + " 00:02"),
            mix ->
                assertThat(mix)
                    .matches(
                        "  spam +class-mix-psi +0\\.412 +0\\.250 +yes +v1 +2000 +2026-01-01"
                            + " 00:02"));
    assertThat(out).contains("\nlast drift window per classifier and detector\n");
    assertThat(out)
        .contains("  ! spam: v2 refused by the inference job: BAD_SIGNATURE (v1 keeps serving)\n")
        .contains(
            "\nlabeling queue (share group sieve-labelers on "
                + PREFIX
                + "labeling.requests): 3 requests waiting\n");
  }

  @Test
  void aFlinkUrlThatDoesNotAnswerIsOneLineAndTheRestIsShown() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;

    Run run = sieve(IT.cliArgs("status", "-X", "sieve.flink.rest.url=" + url));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(lines(run.out(), "jobs"))
        .singleElement()
        .asString()
        .startsWith("jobs: cannot reach Flink's REST API at " + url + ": ");
    assertThat(run.out()).contains("3 requests waiting").contains("0.700 (7/10)");
  }

  @Test
  void aWrongPrefixSaysWhatIsMissingAndShowsNothingMadeUp() {
    String nowhere = PREFIX + "nowhere.";
    Run run =
        sieve(
            "status",
            "--bootstrap-servers",
            IT.bootstrapServers(),
            "--registry-url",
            IT.registryUrl(),
            "--topic-prefix",
            nowhere);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines().filter(l -> l.contains(nowhere + "ingest")))
        .singleElement()
        .asString()
        .endsWith(" -  topic does not exist");
    assertThat(run.out())
        .contains("\nclassifiers: none on " + nowhere + "models\n")
        .contains(
            "\nlabeling queue (share group sieve-labelers on "
                + nowhere
                + "labeling.requests): the topic does not exist\n")
        .contains("\ndrift: no alert on " + nowhere + "drift\n")
        .contains("drift windows: none on " + nowhere + "drift.windows\n");
    assertThat(run.err().lines().toList())
        .containsExactly(
            "warning: " + nowhere + "models does not exist (create it with: sieve topics --create)",
            "warning: "
                + nowhere
                + "models.alerts does not exist (create it with: sieve topics --create)",
            "warning: "
                + nowhere
                + "accuracy does not exist (create it with: sieve topics --create)",
            "warning: " + nowhere + "drift does not exist (create it with: sieve topics --create)",
            "warning: "
                + nowhere
                + "drift.windows does not exist (create it with: sieve topics --create)");
  }

  @Test
  void kafkaThatDoesNotAnswerIsOneLine() {
    Run run =
        sieve(
            "status",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--registry-url",
            IT.registryUrl(),
            "--timeout",
            "2s");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "sieve status: no answer from Kafka at 127.0.0.1:1 within 2 s: is it running and"
                + " reachable from here, and do security.protocol and the TLS/SASL settings match"
                + " its listener?\n");
  }

  @Test
  void aRegistryThatDoesNotAnswerIsOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String registry = "http://127.0.0.1:" + port + "/apis/ccompat/v7";

    Run run =
        sieve(
            "status",
            "--bootstrap-servers",
            IT.bootstrapServers(),
            "--registry-url",
            registry,
            "--topic-prefix",
            PREFIX,
            "--timeout",
            "3s");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("sieve status: ")
        .contains("Schema registry at " + registry + " unavailable");
  }

  /** A lag row: job, its group, the topic, the lag, then {@code note} (a regex). */
  private static Consumer<String> lagRow(String job, String topic, long lag, String note) {
    String regex =
        "  " + q(job) + " +" + q(PREFIX + job) + " +" + q(PREFIX + topic) + " +" + lag + note;
    return line -> assertThat(line).matches(regex);
  }

  private static List<String> lines(String out, String start) {
    return out.lines().filter(l -> l.startsWith(start)).toList();
  }

  private static String q(String s) {
    return Pattern.quote(s);
  }

  record Run(int exit, String out, String err) {}

  private static Run sieve(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SieveCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    System.out.println("$ sieve " + String.join(" ", args));
    System.out.print(out);
    System.out.print(err);
    return new Run(exit, out.toString(), err.toString());
  }

  private static <T extends SpecificRecord> void send(Topic<String, T> topic, T value)
      throws Exception {
    String name = topic.name(PREFIX);
    String key = String.valueOf(value.get(0)); // every record here starts with its classifier or id
    IT.send(name, key, IT.codec(typeOf(value)).encode(name, value));
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> Class<T> typeOf(T value) {
    return (Class<T>) value.getClass();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ModelVersion version(String classifier, int version, String reason) {
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier(classifier)
            .setVersion(version)
            .setParentVersion(version == 0 ? null : version - 1)
            .setLabels(List.of("a", "b"))
            .setLabelDescriptions(List.of())
            .setHead(ByteBuffer.wrap(bytes("head-" + version)))
            .setEmbeddingModelId("all-minilm-l6-v2-q")
            .setEmbeddingModelDigest("0123456789abcdef0123")
            .setMetrics(null)
            .setReason(reason)
            .setCreatedAtMs(T0 + version * 60_000L),
        KEY);
  }

  private static ModelAlert refusal(String classifier, int version, String reason, int serving) {
    return ModelAlert.newBuilder()
        .setClassifier(classifier)
        .setVersion(version)
        .setReason(reason)
        .setMessage("the signature does not verify")
        .setServingVersion(serving)
        .setDetectedAtMs(T0 + 90_000)
        .build();
  }

  private static LiveAccuracy accuracy(
      String classifier,
      int version,
      long correct,
      long labels,
      long randomCorrect,
      long randomLabels,
      long at) {
    return LiveAccuracy.newBuilder()
        .setClassifier(classifier)
        .setModelVersion(version)
        .setLabels(labels)
        .setCorrect(correct)
        .setAccuracy((double) correct / labels)
        .setRandomLabels(randomLabels)
        .setRandomCorrect(randomCorrect)
        .setUnbiasedAccuracy(randomLabels == 0 ? Double.NaN : (double) randomCorrect / randomLabels)
        .setMeasuredAtMs(at)
        .build();
  }

  private static DriftAlert drift(
      String classifier, String detector, double statistic, double threshold, long at) {
    return DriftAlert.newBuilder()
        .setClassifier(classifier)
        .setDetector(detector)
        .setStatistic(statistic)
        .setThreshold(threshold)
        .setReferenceSize(1000)
        .setWindowSize(500)
        .setModelVersion(1)
        .setDetectedAtMs(at)
        .build();
  }

  private static DriftWindow window(
      String classifier,
      String detector,
      double statistic,
      double threshold,
      long atEvent,
      long at) {
    return DriftWindow.newBuilder()
        .setClassifier(classifier)
        .setDetector(detector)
        .setStatistic(statistic)
        .setThreshold(threshold)
        .setAlerted(statistic > threshold)
        .setReferenceSize(500)
        .setWindowSize(500)
        .setModelVersion(1)
        .setAtEvent(atEvent)
        .setClosedAtMs(at)
        .build();
  }

  private static LabelRequest request(String id) {
    return LabelRequest.newBuilder()
        .setContentId(id)
        .setClassifier("spam")
        .setText("text " + id)
        .setGuess("a")
        .setConfidence(0.6)
        .setScores(Map.of("a", 0.6, "b", 0.4))
        .setLabels(List.of("a", "b"))
        .setModelVersion(1)
        .setStrategy("margin")
        .setSelectionScore(0.2)
        .setRandomShare(false)
        .setRequestedAtMs(T0)
        .build();
  }
}
