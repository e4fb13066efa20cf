package dev.sieve.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 4.2 broker and KRaft controller in this JVM (one combined node), listening on
 * 127.0.0.1 only, with its data in a temporary directory.
 *
 * <p>It is Apache Kafka's own server ({@link KafkaRaftServer}), not a fake, so share groups
 * (queues) and transactions behave as in production. Internal topics have one replica, so the
 * single node can serve them. Kafka's {@code KafkaClusterTestKit} is not used because it binds all
 * interfaces.
 *
 * <p>Settings a user of this class should know about:
 *
 * <ul>
 *   <li>{@code transaction.max.timeout.ms} is one hour, so Flink's exactly-once {@code KafkaSink}
 *       (whose default transaction timeout is one hour) is accepted by the broker;
 *   <li>{@code group.initial.rebalance.delay.ms} is 0, so consumers start at once;
 *   <li>{@code auto.create.topics.enable} keeps Kafka's default (true), but tests should create
 *       their topics with {@link #createTopics(Collection)};
 *   <li>share groups work with no extra setting: {@code share.version=1} is finalized when the
 *       storage is formatted. A new share group starts at the latest offset, as in production;
 *   <li>{@code group.share.min.record.lock.duration.ms} is 1 s (Kafka's default is 15 s), so a test
 *       can give its share group a short acquisition lock with the group config {@code
 *       share.record.lock.duration.ms}; the default lock stays 30 s.
 * </ul>
 *
 * <p>{@link #stop()} and {@link #restart()} take the broker away and bring it back on the same
 * ports, cluster id and data (the storage is not formatted again), so clients keep their bootstrap
 * address, and committed records, transaction state, consumer-group offsets and share-group state
 * survive: tests use it to check that clients ride out a broker outage. {@link #start(Path)} keeps
 * the broker's data in a directory of the caller's that outlives the broker, and starts on what an
 * earlier run left there.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int NODE_ID = 1;
  private static final int START_ATTEMPTS = 3;

  private static final String CONFIG_FILE = "server.properties";
  private static final String LOG_DIR = "data";

  private final Path dir;
  private final boolean keepDir;
  private final Properties props;
  private final String bootstrapServers;
  private KafkaRaftServer server; // null while stopped
  private boolean closed;

  private EmbeddedKafka(
      Path dir, boolean keepDir, Properties props, KafkaRaftServer server, String bootstrap) {
    this.dir = dir;
    this.keepDir = keepDir;
    this.props = props;
    this.server = server;
    this.bootstrapServers = bootstrap;
  }

  /**
   * Formats a fresh data directory, starts the broker and controller on free loopback ports, and
   * returns once the broker answers an admin request (or fails after 60 s).
   */
  public static EmbeddedKafka start() {
    // A free port found by FreePorts can be taken by another process before the broker binds it;
    // with several test JVMs on one machine that happens now and then, so try fresh ports.
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce();
      } catch (RuntimeException e) {
        if (attempt >= START_ATTEMPTS || !causedByBindFailure(e)) {
          throw e;
        }
        LOG.warn("Kafka could not bind its ports (attempt {}), retrying on others", attempt);
      }
    }
  }

  private static boolean causedByBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static EmbeddedKafka startOnce() {
    Path dir = TempDirs.create("sieve-kafka-");
    try {
      Properties props = formatted(dir);
      return new EmbeddedKafka(dir, false, props, launch(props), bootstrap(props));
    } catch (RuntimeException e) {
      TempDirs.deleteQuietly(dir);
      throw e;
    }
  }

  /**
   * Starts the broker on a data directory that the caller keeps: {@link #close()} stops the broker
   * and leaves the directory. A directory that an earlier broker formatted ({@code
   * server.properties} and the log directory {@code data/} in it) is started as it is, on the ports
   * and with the cluster id recorded there, so its topics, offsets and transactions are back; any
   * other directory (created if missing) is formatted first, on free loopback ports. Fails when a
   * recorded port is taken by another process, rather than move the broker.
   */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0, 0);
  }

  /**
   * As {@link #start(Path)}, but a directory formatted here gets the given loopback ports (0 = a
   * free one); a directory formatted before keeps the ports recorded in it.
   */
  public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
    Path config = dataDir.resolve(CONFIG_FILE);
    Properties props;
    if (Files.isRegularFile(dataDir.resolve(LOG_DIR).resolve("meta.properties"))) {
      props = load(config);
    } else {
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + dataDir, e);
      }
      props = formatted(dataDir, brokerPort, controllerPort);
    }
    return new EmbeddedKafka(dataDir, true, props, launch(props), bootstrap(props));
  }

  /** Chooses free ports, writes {@code server.properties} into {@code dir} and formats the log. */
  private static Properties formatted(Path dir) {
    return formatted(dir, 0, 0);
  }

  /** As {@link #formatted(Path)} on the given ports, 0 meaning a free one. */
  private static Properties formatted(Path dir, int brokerPort, int controllerPort) {
    Properties props =
        serverProperties(
            dir.resolve(LOG_DIR),
            brokerPort == 0 ? FreePorts.next() : brokerPort,
            controllerPort == 0 ? FreePorts.next() : controllerPort);
    format(dir, props);
    return props;
  }

  /** Starts a broker on formatted storage and waits until it answers. */
  private static KafkaRaftServer launch(Properties props) {
    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
    try {
      server.startup();
      awaitReady(bootstrap(props));
    } catch (RuntimeException e) {
      shutdown(server);
      throw e;
    }
    LOG.info(
        "Kafka broker ready at {} in {} ms (data in {})",
        bootstrap(props),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        props.getProperty("log.dirs"));
    return server;
  }

  private static String bootstrap(Properties props) {
    String advertised = props.getProperty("advertised.listeners");
    return advertised.substring(advertised.indexOf("://") + 3);
  }

  private static Properties load(Path config) {
    Properties props = new Properties();
    try (var in = Files.newInputStream(config)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the broker's settings in " + config, e);
    }
    return props;
  }

  /**
   * Shuts the broker and controller down as a crash-free stop would, keeping every file: clients
   * see the broker go away (connections refused) until {@link #restart()}. Does nothing when
   * stopped already.
   */
  public synchronized void stop() {
    if (closed) {
      throw new IllegalStateException("Kafka broker at " + bootstrapServers + " is closed");
    }
    if (server != null) {
      shutdown(server);
      server = null;
      LOG.info("Kafka broker at {} stopped, data kept in {}", bootstrapServers, dir);
    }
  }

  /**
   * Starts the broker again after {@link #stop()}, on the same ports, cluster id and data, without
   * formatting, and returns once it answers an admin request. Fails if a port was taken meanwhile.
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("Kafka broker at " + bootstrapServers + " is closed");
    }
    if (server != null) {
      throw new IllegalStateException("Kafka broker at " + bootstrapServers + " is running");
    }
    server = launch(props);
  }

  /** True between a start or {@link #restart()} and {@link #stop()} or {@link #close()}. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The directory holding {@code server.properties} and the log directory {@code data/}. */
  public Path dataDir() {
    return dir;
  }

  /** {@code 127.0.0.1:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates the topics that do not exist yet; topics that exist already are left as they are.
   * Returns once the broker serves every partition of every given topic (see {@link #awaitServed}),
   * so a producer can write to them at once.
   */
  public void createTopics(Collection<NewTopic> topics) {
    if (topics.isEmpty()) {
      return;
    }
    try (Admin admin = Admin.create(adminProperties(bootstrapServers))) {
      Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
      List<String> failures = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            failures.add(result.getKey() + ": " + e.getCause());
          }
        } catch (Exception e) {
          failures.add(result.getKey() + ": " + e);
        }
      }
      if (!failures.isEmpty()) {
        throw new IllegalStateException("Could not create topics: " + failures);
      }
      awaitServed(admin, results.keySet());
    }
  }

  /**
   * Waits until the broker's ReplicaManager leads every partition of {@code topics}.
   *
   * <p>CreateTopics returns once the controller has committed the topic. The broker applies it a
   * little later and, in KRaft, publishes the new partitions in its metadata cache (which answers
   * Metadata and DescribeTopics) before its ReplicaManager has created their logs. A producer that
   * finds the leader in that window gets NOT_LEADER_OR_FOLLOWER for its first batch, while its next
   * batch of the same partition, already in flight, is accepted: a broker with no state for a
   * producer takes any first sequence. The first batch then fails with OUT_OF_ORDER_SEQUENCE_NUMBER
   * on every retry until delivery.timeout.ms (120 s) expires it, and its records are lost even with
   * acks=all and idempotence. That is KAFKA-15591 (also filed as KAFKA-14312 and KAFKA-19880),
   * fixed in the broker after Kafka 4.2 by apache/kafka#23234. A leader in DescribeTopics is not
   * enough (ProduceStressIT still lost records with that wait); ListOffsets is answered by the
   * ReplicaManager, as Produce is, so once it succeeds for every partition the window is closed.
   */
  private static void awaitServed(Admin admin, Collection<String> topics) {
    long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic :
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
          for (TopicPartitionInfo partition : topic.partitions()) {
            latest.put(
                new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
          }
        }
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for topics " + topics, e);
      } catch (ExecutionException e) {
        // Unknown topic (metadata not applied yet) or not leader (log not created yet): retry.
        if (!(e.getCause() instanceof RetriableException)) {
          throw new IllegalStateException("Topics " + topics + " not served", e.getCause());
        }
        last = e.getCause();
      } catch (java.util.concurrent.TimeoutException e) {
        last = e;
      }
      pause(Duration.ofMillis(20));
    }
    throw new IllegalStateException(
        "Topics " + topics + " not served by their leader after " + TOPIC_READY_TIMEOUT, last);
  }

  /**
   * Stops the broker and controller and deletes their data directory, unless the caller gave it
   * ({@link #start(Path)}). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      shutdown(server);
      server = null;
    }
    if (!keepDir) {
      TempDirs.deleteQuietly(dir);
    }
    LOG.info("Kafka broker at {} closed", bootstrapServers);
  }

  private static Properties serverProperties(Path logDir, int brokerPort, int controllerPort) {
    String host = FreePorts.LOOPBACK;
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    // Loopback only, for both listeners: nothing we start may be reachable from the network.
    p.put(
        "listeners",
        "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
    p.put("log.dirs", logDir.toString());

    // One node: every internal topic has one replica, and few partitions so it is created fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "3");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");

    p.put("group.initial.rebalance.delay.ms", "0");
    // Lets a test shorten a share group's acquisition lock with the group config
    // share.record.lock.duration.ms, which the broker bounds below by this value (default 15 s).
    // The broker's default lock (group.share.record.lock.duration.ms, 30 s) is unchanged.
    p.put("group.share.min.record.lock.duration.ms", "1000");
    // Flink's exactly-once KafkaSink asks for transaction timeouts up to 1 h by default.
    p.put("transaction.max.timeout.ms", String.valueOf(Duration.ofHours(1).toMillis()));

    // A small test broker: fewer threads, and a 128 MB log-cleaner buffer would be wasted heap.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    return p;
  }

  /**
   * Formats the log directory as {@code kafka-storage.sh format} would. {@code StorageTool.execute}
   * is the entry point that returns an exit code instead of calling {@code System.exit}, as {@code
   * main} does.
   */
  private static void format(Path dir, Properties props) {
    Path configFile = dir.resolve(CONFIG_FILE);
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "Sieve embedded Kafka");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + configFile, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exitCode =
          StorageTool.execute(
              new String[] {
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                configFile.toString()
              },
              printStream);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8), e);
    }
    if (exitCode != 0) {
      throw new IllegalStateException(
          "Formatting Kafka storage failed with exit code "
              + exitCode
              + ": "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static void awaitReady(String bootstrap) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Exception last = null;
    try (Admin admin = Admin.create(adminProperties(bootstrap))) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        } catch (Exception e) {
          last = e;
        }
        pause(Duration.ofMillis(100));
      }
    }
    throw new IllegalStateException(
        "Kafka broker at " + bootstrap + " not ready after " + READY_TIMEOUT, last);
  }

  static Properties adminProperties(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    return p;
  }

  private static void shutdown(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Kafka broker did not shut down cleanly", e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Kafka", e);
    }
  }
}
