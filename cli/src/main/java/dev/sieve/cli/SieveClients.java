package dev.sieve.cli;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The clients a command needs, built from {@link ConnectionOptions}: the schema registry, Avro
 * codecs, byte-array Kafka consumers and producers with the user's properties (TLS, SASL) passed
 * through, a reader of {@code sieve.models} and (on first use) a shared producer. Sieve's and the
 * registry's own properties ({@code sieve.*}, {@code schema.registry.*}, {@code basic.auth.*})
 * never reach the Kafka clients.
 */
public final class SieveClients implements AutoCloseable {

  /** How long a client may block on metadata or a send when no {@code --timeout} is given. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  /** Confluent's serializer setting: when false, schemas must already be registered. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  private final Map<String, String> properties;
  private final String prefix;
  private final Duration timeout;
  private final RestSchemaRegistryClient registry;
  private final Map<Class<?>, ConfluentAvroCodec<?>> codecs = new ConcurrentHashMap<>();
  private KafkaProducer<byte[], byte[]> producer;

  public SieveClients(ConnectionOptions connection) {
    this(connection.properties(), connection.topicPrefix(), connection.timeout());
  }

  SieveClients(Map<String, String> properties, String prefix) {
    this(properties, prefix, CLIENT_TIMEOUT);
  }

  SieveClients(Map<String, String> properties, String prefix, Duration timeout) {
    this.properties = Map.copyOf(properties);
    this.prefix = prefix;
    this.timeout = timeout;
    this.registry = new RestSchemaRegistryClient(registryConfig(this.properties, timeout));
  }

  /**
   * The registry client's configuration: Confluent's property names; unless given, Sieve's retry
   * budget is the command's timeout, so an unreachable registry fails as soon as Kafka would.
   */
  static RegistryConfig registryConfig(Map<String, String> properties, Duration timeout) {
    ConnectionOptions.requireRegistryUrl(properties);
    Map<String, String> props = new HashMap<>(properties);
    props.putIfAbsent(RegistryConfig.MAX_RETRY_TIME_MS, String.valueOf(timeout.toMillis()));
    props.putIfAbsent(
        RegistryConfig.REQUEST_TIMEOUT_MS,
        String.valueOf(Math.min(RegistryConfig.DEFAULT_REQUEST_TIMEOUT_MS, timeout.toMillis())));
    return RegistryConfig.fromProperties(props);
  }

  /** Every property given (flags, --config, -X), including Sieve's own. */
  public Map<String, String> properties() {
    return properties;
  }

  /** The name of {@code topic} under this deployment's prefix. */
  public String topic(Topic<?, ?> topic) {
    return topic.name(prefix);
  }

  public String bootstrapServers() {
    return properties.get(ConnectionOptions.BOOTSTRAP_SERVERS);
  }

  public Duration timeout() {
    return timeout;
  }

  String modelsTopic() {
    return topic(Topics.MODELS);
  }

  String retrainTopic() {
    return topic(Topics.RETRAIN_REQUESTS);
  }

  /**
   * The codec of one record type, sharing this command's registry client. It registers its schema
   * on first use unless {@code auto.register.schemas=false}, in which case the schema must already
   * be registered under the topic's subject.
   */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> ConfluentAvroCodec<T> codec(Class<T> type) {
    boolean autoRegister =
        !"false".equalsIgnoreCase(properties.getOrDefault(AUTO_REGISTER_SCHEMAS, "true"));
    return (ConfluentAvroCodec<T>)
        codecs.computeIfAbsent(type, t -> new ConfluentAvroCodec<>(registry, type, autoRegister));
  }

  /** Whether a key belongs to Sieve or the registry client rather than to Kafka. */
  static boolean isKafkaProperty(String key) {
    return !key.startsWith("sieve.")
        && !key.startsWith("schema.registry.")
        && !key.startsWith("basic.auth.")
        && !key.equals(AUTO_REGISTER_SCHEMAS);
  }

  /** Kafka client properties: the defaults below, overridden by anything the user gave. */
  public Map<String, Object> kafkaProperties() {
    Map<String, Object> kafka = new HashMap<>();
    kafka.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    properties.forEach(
        (k, v) -> {
          if (isKafkaProperty(k)) {
            kafka.put(k, v);
          }
        });
    return kafka;
  }

  /**
   * A consumer that reads as a user's consumer of exactly-once output would ({@code
   * read_committed}), with no group: it is assigned partitions and commits nothing.
   */
  public Map<String, Object> consumerProperties() {
    Map<String, Object> props = kafkaProperties();
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    return props;
  }

  /**
   * An idempotent producer that waits for every in-sync replica ({@code acks=all}), whatever the
   * configuration says, so a retried send never writes a record twice and an acknowledged one is
   * not lost.
   */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = kafkaProperties();
    props.remove(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    int ms = (int) timeout.toMillis();
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(15_000, ms));
    // the delivery timeout must cover linger + request timeout, or the producer refuses to start
    props.putIfAbsent(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(ms, Math.min(15_000, ms) + 1_000));
    return props;
  }

  public KafkaConsumer<byte[], byte[]> newConsumer() {
    return new KafkaConsumer<>(
        consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  public KafkaProducer<byte[], byte[]> newProducer() {
    return new KafkaProducer<>(
        producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The partitions of {@code topic}. Fails with one clear line when the topic does not exist, or
   * when Kafka does not answer within the timeout (naming the servers asked).
   */
  public List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, timeout);
    } catch (TimeoutException e) {
      throw unreachable();
    }
    if (infos == null || infos.isEmpty()) {
      throw new CliException(
          "topic " + topic + " does not exist (create it with: sieve topics --create)");
    }
    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
  }

  /** The error for a Kafka cluster that did not answer in time. */
  public CliException unreachable() {
    return new CliException(
        "no answer from Kafka at "
            + bootstrapServers()
            + " within "
            + seconds(timeout)
            + ": is it running and reachable from here, and do security.protocol and the"
            + " TLS/SASL settings match its listener?");
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Reads {@code sieve.models} from beginning to end; undecodable records are reported to err. */
  ModelCatalog readModels(PrintWriter err) {
    return ModelsTopicReader.read(
        kafkaProperties(), modelsTopic(), codec(ModelVersion.class)::decode, err);
  }

  /** Publishes a version keyed by its classifier and waits for the broker's acknowledgement. */
  RecordMetadata publish(ModelVersion version) throws Exception {
    String topic = modelsTopic();
    return producer()
        .send(
            new ProducerRecord<>(
                topic,
                version.getClassifier().getBytes(StandardCharsets.UTF_8),
                codec(ModelVersion.class).encode(topic, version)))
        .get();
  }

  /** Publishes a retrain request keyed by its classifier and waits for the acknowledgement. */
  RecordMetadata publish(RetrainRequest request) throws Exception {
    String topic = retrainTopic();
    return producer()
        .send(
            new ProducerRecord<>(
                topic,
                request.getClassifier().getBytes(StandardCharsets.UTF_8),
                retrainCodec().encode(topic, request)))
        .get();
  }

  ConfluentAvroCodec<RetrainRequest> retrainCodec() {
    return codec(RetrainRequest.class);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      producer = newProducer();
    }
    return producer;
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    registry.close();
  }
}
