package dev.sieve.local;

import dev.sieve.cli.TopicsCommand;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.inference.InferenceJob;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One inference-job run for a benchmark, under its own topic prefix on the embedded stack: topics,
 * signed zero-shot versions of some classifiers, the job itself (at-least-once, so output is
 * visible at once, unless a run asks for exactly-once), a producer of content events and a consumer
 * of predictions.
 */
final class BenchPipeline implements AutoCloseable {

  static final int PARTITIONS = 2;

  /** Client id of the benchmark's own producer and consumer (not the job's). */
  static final String CLIENT_ID = "sieve-bench-client";

  private static final List<String> LABELS = List.of("offensive", "not-offensive");
  private static final List<String> DESCRIPTIONS =
      List.of(
          "An insulting, abusive, hateful or vulgar message.",
          "A polite, friendly or neutral message.");

  private final DemoStack stack;
  private final SigningKey key;
  private final String prefix;
  private final ConfluentAvroCodec<ContentEvent> contentCodec;
  private final ConfluentAvroCodec<ModelVersion> modelCodec;
  private final ConfluentAvroCodec<Prediction> predictionCodec;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final SentenceEmbedder embedder;
  private JobID job;

  /**
   * @param latencyRun whether predictions are timed on arrival (the consumer then fetches as soon
   *     as anything is there) or only counted (it fetches in larger, cheaper batches)
   */
  BenchPipeline(
      DemoStack stack,
      RestSchemaRegistryClient registry,
      SentenceEmbedder embedder,
      String prefix,
      boolean latencyRun) {
    this.stack = stack;
    this.key = SigningKey.generate(); // this run's only: signs its versions, never stored
    this.prefix = prefix;
    this.contentCodec = new ConfluentAvroCodec<>(registry, ContentEvent.class);
    this.modelCodec = new ConfluentAvroCodec<>(registry, ModelVersion.class);
    this.predictionCodec = new ConfluentAvroCodec<>(registry, Prediction.class);
    this.embedder = embedder;
    // The broker stamps content and predictions with the time it appends them, so latency is
    // timed from the event's append, not from the producer's send (which can queue before it).
    stack
        .kafka()
        .createTopics(
            TopicsCommand.newTopics(prefix, PARTITIONS, (short) 1).stream()
                .map(
                    t ->
                        t.name().equals(Topics.CONTENT.name(prefix))
                                || t.name().equals(Topics.PREDICTIONS.name(prefix))
                            ? withLogAppendTime(t)
                            : t)
                .toList());
    String bootstrap = stack.kafka().bootstrapServers();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    // On a loaded 2-core machine the idempotent producer was seen to restart a partition's
    // sequence at 0 and have every later batch refused (OutOfOrderSequenceException) until its
    // delivery timeout, stalling the benchmark. One request in flight keeps order without it; a
    // retried send could duplicate an event, which the latency run would count as duplicated.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Short fetch waits for the latency run; the throughput runs time the job by its own
    // predictedAtMs stamps, so there a consumer polling every 5 ms would only take CPU from it.
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, latencyRun ? 5 : 200);
    c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, latencyRun ? 1 : 64 * 1024);
    // as a downstream consumer of an exactly-once job reads; at-least-once output is visible at
    // once
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      partitions.add(new TopicPartition(Topics.PREDICTIONS.name(prefix), i));
    }
    consumer.assign(partitions);
  }

  /** Publishes a signed zero-shot version of {@code classifier} and returns when it is written. */
  long publish(String classifier, int version) throws Exception {
    return publish(classifier, version, embedder);
  }

  /** {@link #publish(String, int)}, the head made for (and read from) the network {@code on}. */
  long publish(String classifier, int version, SentenceEmbedder on) throws Exception {
    ModelVersion signed =
        ModelVersions.zeroShot(classifier, version, LABELS, DESCRIPTIONS, on, key);
    String topic = Topics.MODELS.name(prefix);
    long at = System.currentTimeMillis();
    producer
        .send(
            new ProducerRecord<>(
                topic,
                classifier.getBytes(StandardCharsets.UTF_8),
                modelCodec.encode(topic, signed)))
        .get();
    return at;
  }

  private static NewTopic withLogAppendTime(NewTopic topic) {
    Map<String, String> configs =
        new HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    return topic.configs(configs);
  }

  /** Sends one content event to a chosen partition (so the bench knows which subtask reads it). */
  void send(String id, String text, int partition) {
    send(id, text, partition, null);
  }

  /**
   * {@link #send(String, String, int)}, handing the broker's append time of the event (epoch ms) to
   * {@code appended} once it is acknowledged (on the producer's I/O thread).
   */
  void send(String id, String text, int partition, LongConsumer appended) {
    String topic = Topics.CONTENT.name(prefix);
    ContentEvent event =
        ContentEvent.newBuilder()
            .setId(id)
            .setText(text)
            .setTimestampMs(System.currentTimeMillis())
            .build();
    producer.send(
        new ProducerRecord<>(
            topic,
            partition,
            id.getBytes(StandardCharsets.UTF_8),
            contentCodec.encode(topic, event)),
        (metadata, error) -> {
          if (error == null && appended != null) {
            appended.accept(metadata.timestamp());
          }
        });
  }

  void flush() {
    producer.flush();
  }

  /** Starts the inference job on the stack's MiniCluster, parallelism 2, at-least-once. */
  void startJob(int batchMaxSize) throws Exception {
    startJob(batchMaxSize, "at-least-once", "1s");
  }

  /**
   * Starts the inference job with a delivery mode and checkpoint interval (with exactly-once, the
   * benchmark's {@code read_committed} consumer sees a prediction when its checkpoint commits).
   */
  void startJob(int batchMaxSize, String delivery, String checkpointInterval) throws Exception {
    InferenceConfig config =
        InferenceConfig.fromArgs(
            "--bootstrap-servers",
            stack.kafka().bootstrapServers(),
            "--registry-url",
            stack.registry().confluentApiUrl(),
            "--topic-prefix",
            prefix,
            "--delivery",
            delivery,
            "--checkpoint-interval",
            checkpointInterval,
            "--batch-max-size",
            Integer.toString(batchMaxSize),
            "--embedding-model",
            embedder.modelId(),
            "--model-trusted-keys",
            key.publicBase64());
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            EmbeddedFlink.configuration(stack.workDir().resolve("flink-" + prefix)));
    env.setParallelism(PARTITIONS);
    InferenceJob.defineKafkaJob(env, config);
    job = stack.flink().submitJob(env.getStreamGraph()).get().getJobID();
  }

  /** Hands every prediction that arrives within {@code wait} to {@code sink}, with its arrival. */
  void poll(Duration wait, Consumer<Arrived> sink) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
      sink.accept(
          new Arrived(
              predictionCodec.decode(r.value()), r.timestamp(), System.currentTimeMillis()));
    }
  }

  /**
   * A prediction, when the broker appended it and when the benchmark's consumer received it (epoch
   * ms, one clock: broker and benchmark share this JVM).
   */
  record Arrived(Prediction prediction, long appendedAtMs, long receivedAtMs) {}

  @Override
  public void close() throws Exception {
    if (job != null) {
      stack.flink().cancelJob(job).get();
    }
    producer.close();
    consumer.close();
  }
}
