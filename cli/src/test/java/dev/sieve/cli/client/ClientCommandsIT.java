package dev.sieve.cli.client;

import static dev.sieve.cli.client.Records.accuracy;
import static dev.sieve.cli.client.Records.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code produce}, {@code tail} and {@code stats} through picocli against the embedded broker and
 * registry, connected the way a user of their own cluster would be: with a {@code --config} file.
 * The transcript printed here is where the samples in cli/README.md come from.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientCommandsIT {

  @TempDir static Path dir;
  private static final ItStack IT = new ItStack("it-client", null);
  private static final String prefix = IT.prefix();
  private static final ConfluentAvroCodec<ContentEvent> contentCodec = IT.codec(ContentEvent.class);
  private static Path config;

  @BeforeAll
  static void stackAndTopics() throws IOException {
    config =
        Files.writeString(
            dir.resolve("client.properties"),
            "bootstrap.servers="
                + IT.bootstrapServers()
                + "\nschema.registry.url="
                + IT.registryUrl()
                + "\nsieve.topic.prefix="
                + prefix
                + "\n# any Kafka client property passes through\nclient.id=sieve-cli-it\n");
    CliRun topics = sieve("topics", "--create", "--partitions", "1");
    assertThat(topics.exit()).as(topics.err()).isZero();
  }

  private static CliRun sieve(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    CliRun run = CliRun.of(all.toArray(String[]::new));
    System.out.println("$ sieve " + String.join(" ", args) + " --config client.properties");
    System.out.print(run.out());
    System.out.print(run.err());
    return run;
  }

  @Test
  void topicsCreateKeepsLabelsForeverAndCompactsModels() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", IT.bootstrapServers()))) {
      Map<String, String> retention = new TreeMap<>();
      Map<String, String> cleanup = new TreeMap<>();
      for (Topic<String, ?> topic : Topics.ALL) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name(prefix));
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        retention.put(topic.suffix(), config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        cleanup.put(topic.suffix(), config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
      }
      String sevenDays = String.valueOf(TimeUnit.DAYS.toMillis(7)); // the broker's default
      assertThat(retention)
          .containsEntry("labels", "-1")
          .containsEntry("labelled", "-1")
          .containsEntry("content.raw", sevenDays)
          .containsEntry("predictions", sevenDays);
      assertThat(cleanup).containsEntry("models", "compact").containsEntry("labels", "delete");
    }
  }

  @Test
  void produceSendsAvroAndSkipsBadLinesByNumber() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("messages.jsonl"),
            """
            {"id": "avro-1", "text": "Win a free cruise, reply YES now", "source": "sms", "timestampMs": 1767225600000}
            {"id": "avro-2", "text": "an unfinished line
            {"id": "avro-3", "text": "See you at lunch?"}

            {"id": "avro-4"}
            {"id": 5, "text": "Whole-number ids are fine", "attributes": {"lang": "en"}}
            """);

    CliRun run = sieve("produce", "--file", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).matches("produced=3 skipped=2 seconds=\\d+\\.\\d\\R");
    List<String> notes = run.err().lines().toList();
    assertThat(notes).hasSize(2);
    assertThat(notes.get(0)).startsWith("line 2: skipped: invalid JSON: ");
    assertThat(notes.get(1)).isEqualTo("line 5: skipped: the JSON object has no \"text\" field");

    List<ConsumerRecord<byte[], byte[]>> written =
        IT.readCommittedToEnd(Topics.CONTENT_RAW.name(prefix));
    List<ContentEvent> events = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : written) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (key.startsWith("avro-") || key.equals("5")) {
        assertThat(r.value()[0]).as("Confluent magic byte").isZero();
        ContentEvent event = contentCodec.decode(r.value());
        assertThat(event.getId()).isEqualTo(key);
        events.add(event);
      }
    }
    assertThat(events)
        .containsExactly(
            ContentEvent.newBuilder()
                .setId("avro-1")
                .setText("Win a free cruise, reply YES now")
                .setSource("sms")
                .setTimestampMs(1767225600000L)
                .build(),
            ContentEvent.newBuilder().setId("avro-3").setText("See you at lunch?").build(),
            ContentEvent.newBuilder()
                .setId("5")
                .setText("Whole-number ids are fine")
                .setAttributes(Map.of("lang", "en"))
                .build());
  }

  @Test
  void produceJsonFromStdinSendsEachLinesBytesAndSkipsWhatIsTooLarge() {
    String lines =
        "{\"id\": \"json-1\", \"text\": \"hello\"}\n"
            + "  {\"id\":\"json-2\",\"text\":\"world\",\"source\":\"web\"}  \n"
            + "{\"text\": \"no id\"}\n"
            + "{\"id\": \"json-big\", \"text\": \""
            + "x".repeat(3000)
            + "\"}\n";
    InputStream stdin = System.in;
    CliRun run;
    try {
      System.setIn(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)));
      run = sieve("produce", "--stdin", "--format", "json", "-X", "max.request.size=1000");
    } finally {
      System.setIn(stdin);
    }

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("produced=2 skipped=2 seconds=");
    List<String> notes = run.err().lines().toList();
    assertThat(notes).hasSize(2);
    assertThat(notes.get(0)).isEqualTo("line 3: skipped: the JSON object has no \"id\" field");
    assertThat(notes.get(1))
        .startsWith("line 4: skipped: The message is ")
        .contains("larger than 1000, which is the value of the max.request.size configuration");
    List<String> json = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        IT.readCommittedToEnd(Topics.CONTENT_RAW.name(prefix))) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (key.startsWith("json-")) {
        json.add(key + " " + new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    assertThat(json)
        .containsExactly(
            "json-1 {\"id\": \"json-1\", \"text\": \"hello\"}",
            "json-2 {\"id\":\"json-2\",\"text\":\"world\",\"source\":\"web\"}");
  }

  @Test
  void tailShowsPredictionsAsLinesOrJsonAndNotesWhatItCannotDecode() throws Exception {
    String topic = Topics.PREDICTIONS.name(prefix);
    ConfluentAvroCodec<Prediction> codec = IT.codec(Prediction.class);
    IT.send(
        topic,
        List.of("tail-1", "tail-2", "tail-3", "tail-4"),
        List.of(
            codec.encode(topic, prediction("tail-1", "spam", "spam", "ham", 0.91, 2)),
            "not avro at all".getBytes(StandardCharsets.UTF_8),
            codec.encode(topic, prediction("tail-3", "lang", "en", "fr", 0.66, 0)),
            codec.encode(topic, prediction("tail-4", "spam", "ham", "spam", 0.58, 3))));

    CliRun lines = sieve("tail", "predictions", "--from-beginning", "--max", "3");
    assertThat(lines.exit()).as(lines.err()).isZero();
    assertThat(lines.out().lines())
        .containsExactly(
            "tail-1  spam  spam (0.91)  v2  12 ms",
            "tail-3  lang  en (0.66)  v0  12 ms",
            "tail-4  spam  ham (0.58)  v3  12 ms");
    assertThat(lines.err().strip())
        .startsWith("! " + topic + " partition 0 offset 1: cannot decode as Prediction: ")
        .endsWith("; skipped")
        .doesNotContain("\n");

    CliRun json =
        sieve(
            "tail",
            "predictions",
            "--from-beginning",
            "--classifier",
            "spam",
            "--max",
            "2",
            "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    for (String line : json.out().lines().toList()) {
      records.add(mapper.readTree(line));
    }
    assertThat(records)
        .extracting(r -> r.get("contentId").asText())
        .containsExactly("tail-1", "tail-4");
    assertThat(records.get(0).get("scores").get("ham").asDouble()).isCloseTo(0.09, offset(1e-9));
    assertThat(records.get(1).get("modelVersion").asInt()).isEqualTo(3);
  }

  @Test
  void statsSummarisesPredictionsAndLiveAccuracy() throws Exception {
    ItStack stats = new ItStack("it-stats", null);
    String statsPrefix = stats.prefix();
    String predictions = Topics.PREDICTIONS.name(statsPrefix);
    String accuracyTopic = Topics.ACCURACY.name(statsPrefix);
    stats.createTopics(2, predictions);
    stats.createTopics(1, accuracyTopic);
    ConfluentAvroCodec<Prediction> p = stats.codec(Prediction.class);
    ConfluentAvroCodec<LiveAccuracy> a = stats.codec(LiveAccuracy.class);
    stats.send(
        List.of(
            ItStack.record(
                predictions,
                "s1",
                p.encode(predictions, prediction("s1", "spam", "ham", "spam", 0.90, 1))),
            ItStack.record(
                predictions,
                "s2",
                p.encode(predictions, prediction("s2", "spam", "spam", "ham", 0.55, 1))),
            ItStack.record(
                predictions,
                "s3",
                p.encode(predictions, prediction("s3", "spam", "ham", "spam", 0.95, 2))),
            ItStack.record(
                predictions,
                "s4",
                p.encode(predictions, prediction("s4", "spam", "ham", "spam", 0.80, 2))),
            ItStack.record(
                predictions,
                "s5",
                p.encode(predictions, prediction("s5", "spam", "spam", "ham", 0.50, 2))),
            ItStack.record(
                predictions,
                "s1",
                p.encode(predictions, prediction("s1", "lang", "en", "fr", 0.70, 0))),
            ItStack.record(
                accuracyTopic,
                "spam",
                a.encode(accuracyTopic, accuracy("spam", 1, 5, 10, 0, 0, 1_000))),
            ItStack.record(
                accuracyTopic,
                "spam",
                a.encode(accuracyTopic, accuracy("spam", 1, 8, 12, 1, 1, 2_000))),
            ItStack.record(
                accuracyTopic,
                "spam",
                a.encode(accuracyTopic, accuracy("spam", 2, 3, 4, 1, 2, 3_000)))));

    CliRun all = sieve("stats", "--from-beginning", "--topic-prefix", statsPrefix);

    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.err()).isEmpty();
    assertThat(all.out())
        .startsWith(predictions + " from the beginning: 6 predictions\n\n")
        .contains(
            """
            classifier 'spam': 5 predictions
              versions         v2 (3, serving now), v1 (2)
              mean confidence  0.740
              low confidence   40.0 % (2 below 0.60)
              CLASS  COUNT   SHARE
              ham        3  60.0 %
              spam       2  40.0 %
              live accuracy from human labels (biased: mostly uncertain samples; unbiased: random samples)
              VERSION  ACCURACY  LABELS  UNBIASED  RANDOM LABELS
                   v2     0.750     3/4     0.500            1/2
                   v1     0.667    8/12     1.000            1/1
            """)
        .contains("classifier 'lang': 1 prediction\n")
        .contains("  live accuracy    no labels yet\n");

    CliRun recent =
        sieve(
            "stats",
            "--classifier",
            "lang",
            "--low-confidence",
            "0.8",
            "--topic-prefix",
            statsPrefix);
    assertThat(recent.exit()).as(recent.err()).isZero();
    assertThat(recent.out())
        .startsWith(predictions + " in the last 10 min (since ")
        .contains(": 1 prediction of classifier 'lang'\n")
        .contains("low confidence   100.0 % (1 below 0.80)")
        .doesNotContain("'spam'");

    CliRun empty = sieve("stats", "--window", "1ms", "--topic-prefix", statsPrefix);
    assertThat(empty.exit()).as(empty.err()).isZero();
    assertThat(empty.out())
        .contains(": 0 predictions\n")
        .contains("classifier 'spam': 0 predictions\n") // live accuracy is not windowed
        .doesNotContain("'lang'");
  }

  @Test
  void aMissingTopicAndASilentRegistryAreOneLineErrors() throws IOException {
    CliRun missing = sieve("tail", "predictions", "--topic-prefix", "nowhere.");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip())
        .isEqualTo(
            "sieve tail: topic nowhere.predictions does not exist (create it with: sieve topics"
                + " --create)");

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String registry = "http://127.0.0.1:" + closed + "/apis/ccompat/v7";
    Path file =
        Files.writeString(dir.resolve("one.jsonl"), "{\"id\": \"down-1\", \"text\": \"hi\"}\n");
    CliRun down =
        sieve("produce", "--file", file.toString(), "--registry-url", registry, "--timeout", "3s");
    assertThat(down.exit()).isEqualTo(1);
    // At most one line saying it waits (whether the client's own retries left time to wait
    // within --timeout depends on timing), then the error, in one line.
    List<String> lines = down.err().strip().lines().toList();
    assertThat(lines).hasSizeBetween(1, 2);
    if (lines.size() == 2) {
      assertThat(lines.get(0)).startsWith("waiting for the schema registry at " + registry);
    }
    assertThat(lines.get(lines.size() - 1))
        .startsWith(
            "sieve produce: RegistryUnavailableException: Schema registry at "
                + registry
                + " unavailable");
  }
}
