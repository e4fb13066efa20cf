package dev.sieve.embedded;

import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one schema registry per JVM, i.e. per test run of a module: started on the
 * first {@link #get()} (both at once, to save time), shared by every test class, and stopped by a
 * JVM shutdown hook. Tests keep their data apart by using their own topic names and group ids.
 *
 * <p>Meant for test JVMs, which the test runner ends with {@code System.exit}: the broker's threads
 * are not daemons, so a plain {@code main} that uses this class keeps running until it exits
 * explicitly (the CLI should own an {@link EmbeddedKafka} and an {@link ApicurioRegistry} and close
 * them instead).
 */
public final class SharedStack {

  private static final Logger LOG = LoggerFactory.getLogger(SharedStack.class);
  private static SharedStack instance;

  private final EmbeddedKafka kafka;
  private final ApicurioRegistry registry;

  private SharedStack(EmbeddedKafka kafka, ApicurioRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /** The stack of this JVM, started on the first call; later calls return the same one. */
  public static synchronized SharedStack get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(instance::stop, "sieve-shared-stack-stopper"));
    }
    return instance;
  }

  /**
   * A byte-array producer for tests: every acknowledgement awaited, a little batching. It is
   * idempotent (Kafka's default) with up to 5 requests in flight: write with it to topics made by
   * {@link EmbeddedKafka#createTopics}, which waits until the broker serves them; a topic written
   * before that can lose its first batch (KAFKA-15591, see {@code EmbeddedKafka#awaitServed}).
   */
  public KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers());
    props.put("acks", "all");
    props.put("linger.ms", "5");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A byte-array consumer with no group that sees only committed transactions, as a user's consumer
   * of an exactly-once job's output would; assign partitions to it.
   */
  public KafkaConsumer<byte[], byte[]> readCommittedConsumer() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers());
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * The Confluent-compatible API of the registry, e.g. {@code
   * http://127.0.0.1:PORT/apis/ccompat/v7}.
   */
  public String registryUrl() {
    return registry.confluentApiUrl();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public ApicurioRegistry registry() {
    return registry;
  }

  private static SharedStack start() {
    ExecutorService starter =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "sieve-shared-stack-starter");
              t.setDaemon(true);
              return t;
            });
    try {
      CompletableFuture<ApicurioRegistry> registry =
          CompletableFuture.supplyAsync(ApicurioRegistry::start, starter);
      CompletableFuture<EmbeddedKafka> kafka =
          CompletableFuture.supplyAsync(EmbeddedKafka::start, starter);
      try {
        CompletableFuture.allOf(registry, kafka).join();
      } catch (CompletionException e) {
        // Whichever did start must not outlive the failure.
        registry.thenAccept(ApicurioRegistry::close);
        kafka.thenAccept(EmbeddedKafka::close);
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new IllegalStateException("Shared Kafka + registry stack did not start", cause);
      }
      LOG.info(
          "Shared stack up: Kafka {}, registry {}",
          kafka.join().bootstrapServers(),
          registry.join().confluentApiUrl());
      return new SharedStack(kafka.join(), registry.join());
    } finally {
      starter.shutdown();
    }
  }

  private void stop() {
    registry.close();
    kafka.close();
  }
}
