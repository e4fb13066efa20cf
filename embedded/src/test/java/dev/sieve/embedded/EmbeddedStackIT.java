package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared stack end to end: Kafka (plain, queues, transactions), the registry, loopback only.
 */
class EmbeddedStackIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";

  private static SharedStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() {
    stack = SharedStack.get();
  }

  @Test
  void sharedStackIsOnePerJvm() {
    assertThat(SharedStack.get()).isSameAs(stack);
    assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.registryUrl()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");
  }

  @Test
  void producedRecordsAreConsumed() throws Exception {
    String topic = uniqueTopic("plain");
    stack.kafka().createTopics(List.of(new NewTopic(topic, 2, (short) 1)));
    stack.kafka().createTopics(List.of(new NewTopic(topic, 2, (short) 1))); // idempotent

    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
      }
    }

    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps("plain"))) {
      consumer.subscribe(List.of(topic));
      assertThat(pollValues(consumer, 3)).containsExactlyInAnyOrder("v0", "v1", "v2");
    }
  }

  @Test
  void shareConsumerReceivesRecordsWrittenBeforeItJoined() throws Exception {
    String topic = uniqueTopic("queue");
    String group = "share-" + UUID.randomUUID();
    stack.kafka().createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "request-" + i)).get();
      }
    }
    // A new share group starts at the latest offset; make it read what is already there.
    try (Admin admin = Admin.create(EmbeddedKafka.adminProperties(stack.bootstrapServers()))) {
      ConfigResource groupResource = new ConfigResource(ConfigResource.Type.GROUP, group);
      AlterConfigOp earliest =
          new AlterConfigOp(
              new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(groupResource, List.of(earliest))).all().get();
    }

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> received = new ArrayList<>();
    try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(TIMEOUT)
          .pollInSameThread()
          .pollInterval(Duration.ZERO)
          .untilAsserted(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                assertThat(received).hasSize(3);
              });
      consumer.commitSync();
    }
    assertThat(received).containsExactlyInAnyOrder("request-0", "request-1", "request-2");
  }

  @Test
  void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
    String topic = uniqueTopic("tx");
    stack.kafka().createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    Properties props = producerProps();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "a", "committed-1"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "b", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "c", "committed-2"));
      producer.commitTransaction();
    }

    Properties consumerProps = consumerProps("tx");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.subscribe(List.of(topic));
      assertThat(pollValues(consumer, 2)).containsExactly("committed-1", "committed-2");
    }
  }

  @Test
  void schemaRegisteredThroughConfluentApiCanBeReadBack() throws Exception {
    String subject = "it-" + UUID.randomUUID() + "-value";
    String schema =
        "{\"type\":\"record\",\"name\":\"Greeting\",\"namespace\":\"dev.sieve.it\","
            + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}";

    HttpResponse<String> registered =
        post("/subjects/" + subject + "/versions", "{\"schema\":" + jsonString(schema) + "}");
    HttpResponse<String> latest = get("/subjects/" + subject + "/versions/latest");

    assertThat(registered.statusCode()).isEqualTo(200);
    assertThat(registered.body()).matches("\\{\"id\":\\d+}");
    String id = registered.body().replaceAll("\\D", "");
    assertThat(latest.statusCode()).isEqualTo(200);
    assertThat(latest.body())
        .contains("\"id\":" + id)
        .contains("Greeting")
        .contains("\"version\":1");
  }

  @Test
  void globalCompatibilityIsBackwardAndEnforced() throws Exception {
    String subject = "it-" + UUID.randomUUID() + "-value";
    String v1 =
        "{\"type\":\"record\",\"name\":\"Doc\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    // A new field without a default: old records cannot be read with it, so not BACKWARD.
    String breaking =
        "{\"type\":\"record\",\"name\":\"Doc\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"string\"}]}";

    HttpResponse<String> config = get("/config");
    HttpResponse<String> first =
        post("/subjects/" + subject + "/versions", "{\"schema\":" + jsonString(v1) + "}");
    HttpResponse<String> second =
        post("/subjects/" + subject + "/versions", "{\"schema\":" + jsonString(breaking) + "}");

    assertThat(config.body()).contains("\"BACKWARD\"");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(409);
  }

  @Test
  void everyServerListensOnLoopbackOnly(@TempDir Path flinkDir) throws Exception {
    long self = ProcessHandle.current().pid();
    int brokerPort = Integer.parseInt(stack.bootstrapServers().split(":")[1]);
    int registryPort = URI.create(stack.registryUrl()).getPort();

    assertThat(ListeningSockets.tcpListeners(self))
        .extracting(InetSocketAddress::getPort)
        .contains(brokerPort);
    assertAllLoopback(self);
    assertThat(ListeningSockets.tcpListeners(stack.registry().pid()))
        .extracting(InetSocketAddress::getPort)
        .contains(registryPort);
    assertAllLoopback(stack.registry().pid());

    try (MiniCluster flink = EmbeddedFlink.startMiniCluster(flinkDir, 2)) {
      int restPort = flink.getRestAddress().get().getPort();
      assertThat(ListeningSockets.tcpListeners(self))
          .extracting(InetSocketAddress::getPort)
          .contains(restPort);
      assertAllLoopback(self);

      // A running job opens more servers (collect sink); RocksDB keyed state must load too.
      List<Long> sums = new ArrayList<>();
      try (CloseableIterator<Long> results = keyedSumJob(restPort, flinkDir)) {
        sums.add(results.next());
        assertAllLoopback(self);
        results.forEachRemaining(sums::add);
      }
      assertThat(sums).hasSize(100).contains(1L + 4 + 7, 2L + 5 + 8);
    }
  }

  /** Running sums per key {@code v % 3} of 1..100, with keyed state in RocksDB. */
  private static CloseableIterator<Long> keyedSumJob(int restPort, Path flinkDir) throws Exception {
    Configuration conf = EmbeddedFlink.configuration(flinkDir);
    // A 100-element job ends within a checkpoint interval; a checkpoint racing the end only warns.
    conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", restPort, conf);
    return env.fromSequence(1, 100)
        .setParallelism(1)
        .keyBy(v -> v % 3)
        .reduce(Long::sum)
        .executeAndCollect("sieve-embedded-loopback-check");
  }

  private static void assertAllLoopback(long pid) {
    assertThat(ListeningSockets.tcpListeners(pid))
        .as("TCP listeners of process %d", pid)
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue());
  }

  private static List<String> pollValues(KafkaConsumer<String, String> consumer, int count) {
    List<String> values = new ArrayList<>();
    await()
        .atMost(TIMEOUT)
        .pollInSameThread()
        .pollInterval(Duration.ZERO)
        .untilAsserted(
            () -> {
              for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
              }
              assertThat(values).hasSizeGreaterThanOrEqualTo(count);
            });
    return values;
  }

  private static Properties producerProps() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }

  private static Properties consumerProps(String groupPrefix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + "-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return props;
  }

  private static String uniqueTopic(String purpose) {
    return "it." + purpose + "." + UUID.randomUUID();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
            .header("Accept", CONFLUENT_JSON)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
            .header("Content-Type", CONFLUENT_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The JSON string literal of {@code s}; enough for the schemas above (quotes only). */
  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
