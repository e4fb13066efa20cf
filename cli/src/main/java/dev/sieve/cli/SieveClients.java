package dev.sieve.cli;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The clients one model-registry command needs, built from {@link ConnectionOptions}: the schema
 * registry, codecs for {@code ModelVersion} and {@code RetrainRequest}, a reader of {@code
 * sieve.models} and (on first use) a producer. Sieve's own properties ({@code sieve.*}, e.g. the
 * signing key) never reach the Kafka clients.
 */
final class SieveClients implements AutoCloseable {

  /** How long a client may block on metadata or a send before the command gives up. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, String> properties;
  private final String prefix;
  private final RestSchemaRegistryClient registry;
  private final ConfluentAvroCodec<ModelVersion> modelCodec;
  private final ConfluentAvroCodec<RetrainRequest> retrainCodec;
  private KafkaProducer<byte[], byte[]> producer;

  SieveClients(ConnectionOptions connection) {
    this(connection.properties(), connection.topicPrefix);
  }

  SieveClients(Map<String, String> properties, String prefix) {
    this.properties = Map.copyOf(properties);
    this.prefix = prefix;
    this.registry = new RestSchemaRegistryClient(RegistryConfig.fromProperties(this.properties));
    this.modelCodec = new ConfluentAvroCodec<>(registry, ModelVersion.class);
    this.retrainCodec = new ConfluentAvroCodec<>(registry, RetrainRequest.class);
  }

  /** Every property given (flags, --config, -X), including Sieve's own. */
  Map<String, String> properties() {
    return properties;
  }

  String modelsTopic() {
    return Topics.MODELS.name(prefix);
  }

  String retrainTopic() {
    return Topics.RETRAIN_REQUESTS.name(prefix);
  }

  /** Kafka client properties: the defaults below, overridden by anything the user gave. */
  Map<String, Object> kafkaProperties() {
    Map<String, Object> kafka = new HashMap<>();
    int timeout = (int) CLIENT_TIMEOUT.toMillis();
    kafka.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    properties.forEach(
        (k, v) -> {
          if (!k.startsWith("sieve.") && !k.startsWith("schema.registry.")) {
            kafka.put(k, v);
          }
        });
    return kafka;
  }

  /** Reads {@code sieve.models} from beginning to end; undecodable records are reported to err. */
  ModelCatalog readModels(PrintWriter err) {
    return ModelsTopicReader.read(kafkaProperties(), modelsTopic(), modelCodec::decode, err);
  }

  /** Publishes a version keyed by its classifier and waits for the broker's acknowledgement. */
  RecordMetadata publish(ModelVersion version) throws Exception {
    String topic = modelsTopic();
    return producer()
        .send(
            new ProducerRecord<>(
                topic,
                version.getClassifier().getBytes(StandardCharsets.UTF_8),
                modelCodec.encode(topic, version)))
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
                retrainCodec.encode(topic, request)))
        .get();
  }

  ConfluentAvroCodec<RetrainRequest> retrainCodec() {
    return retrainCodec;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Map<String, Object> props = kafkaProperties();
      props.remove(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
      props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
      props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
      props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
      props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
      producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
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
