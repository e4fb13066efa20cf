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
import java.util.LinkedHashMap;
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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
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

  /** The secured broker's own principal, a super user (see {@link #startSecured()}). */
  public static final String ADMIN_USER = "admin";

  /** The SASL mechanism of the secured broker's client listener. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  private static final String SCRAM_LOGIN =
      "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final String PLAIN_LOGIN =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final Path dir;
  private final boolean keepDir;
  private final Properties props;
  private final String bootstrapServers;
  private final KafkaTls tls; // null for the PLAINTEXT broker
  private final Map<String, String> adminSecurity; // empty for the PLAINTEXT broker
  private KafkaRaftServer server; // null while stopped
  private boolean closed;

  private EmbeddedKafka(
      Path dir, boolean keepDir, Properties props, KafkaRaftServer server, String bootstrap) {
    this(dir, keepDir, props, server, bootstrap, null, Map.of());
  }

  private EmbeddedKafka(
      Path dir,
      boolean keepDir,
      Properties props,
      KafkaRaftServer server,
      String bootstrap,
      KafkaTls tls,
      Map<String, String> adminSecurity) {
    this.dir = dir;
    this.keepDir = keepDir;
    this.props = props;
    this.server = server;
    this.bootstrapServers = bootstrap;
    this.tls = tls;
    this.adminSecurity = Map.copyOf(adminSecurity);
  }

  /**
   * Starts a broker that authenticates and authorises every client, as a production cluster would:
   *
   * <ul>
   *   <li>its only client listener is {@code SASL_SSL} on 127.0.0.1 with SCRAM-SHA-512; the TLS
   *       material is generated now with the JDK's keytool ({@link KafkaTls}), and clients trust
   *       the broker through the PKCS12 truststore {@link #tls()}{@code .truststore()};
   *   <li>the broker talks to itself (inter-broker) on that listener as {@link #ADMIN_USER}, whose
   *       SCRAM credential is written when the storage is formatted; the KRaft controller listener
   *       is {@code SASL_PLAINTEXT} with PLAIN on 127.0.0.1 and knows only that user;
   *   <li>KRaft's {@code StandardAuthorizer} decides every request: {@link #ADMIN_USER} is the only
   *       super user, and anyone else may do only what an ACL allows ({@code
   *       allow.everyone.if.no.acl.found} keeps its default, false).
   * </ul>
   *
   * <p>Users are added with {@link #createUser} (the Admin API's {@code alterUserScramCredentials})
   * and permissions with {@link #createAcls}; {@link #clientProperties} gives what a client needs.
   * Passwords are random per start and kept in the broker's temporary directory only.
   */
  public static EmbeddedKafka startSecured() {
    for (int attempt = 1; ; attempt++) {
      try {
        return startSecuredOnce();
      } catch (RuntimeException e) {
        if (attempt >= START_ATTEMPTS || !causedByBindFailure(e)) {
          throw e;
        }
        LOG.warn("Kafka could not bind its ports (attempt {}), retrying on others", attempt);
      }
    }
  }

  private static EmbeddedKafka startSecuredOnce() {
    Path dir = TempDirs.create("sieve-kafka-secured-");
    try {
      KafkaTls tls = KafkaTls.generate(dir.resolve("tls"));
      String adminPassword = KafkaTls.randomPassword();
      int[] ports = FreePorts.fill(0, 0);
      Properties props = serverProperties(dir.resolve(LOG_DIR), ports[0], ports[1]);
      secure(props, tls, adminPassword);
      format(
          dir,
          props,
          List.of(
              "--add-scram",
              SCRAM_MECHANISM + "=[name=" + ADMIN_USER + ",password=" + adminPassword + "]"));
      Map<String, String> admin = scramClientProperties(tls, ADMIN_USER, adminPassword);
      return new EmbeddedKafka(
          dir, false, props, launch(props, admin), bootstrap(props), tls, admin);
    } catch (RuntimeException e) {
      TempDirs.deleteQuietly(dir);
      throw e;
    }
  }

  /** Turns PLAINTEXT server properties into the secured broker's (see {@link #startSecured}). */
  private static void secure(Properties p, KafkaTls tls, String adminPassword) {
    String listeners = p.getProperty("listeners").replace("PLAINTEXT://", "SASL_SSL://");
    p.put("listeners", listeners);
    p.put(
        "advertised.listeners",
        p.getProperty("advertised.listeners").replace("PLAINTEXT://", "SASL_SSL://"));
    p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", "SASL_SSL");

    p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
    p.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        jaas(SCRAM_LOGIN, ADMIN_USER, adminPassword, ""));
    p.put("listener.name.sasl_ssl.ssl.keystore.location", tls.keystore().toString());
    p.put("listener.name.sasl_ssl.ssl.keystore.password", tls.keystorePassword());
    p.put("listener.name.sasl_ssl.ssl.key.password", tls.keystorePassword());
    p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
    p.put("listener.name.sasl_ssl.ssl.truststore.location", tls.truststore().toString());
    p.put("listener.name.sasl_ssl.ssl.truststore.password", tls.truststorePassword());
    p.put("listener.name.sasl_ssl.ssl.truststore.type", "PKCS12");

    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put(
        "listener.name.controller.plain.sasl.jaas.config",
        jaas(
            PLAIN_LOGIN,
            ADMIN_USER,
            adminPassword,
            " user_" + ADMIN_USER + "=\"" + adminPassword + "\""));

    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN_USER);
  }

  private static String jaas(String module, String user, String password, String more) {
    return module
        + " required username=\""
        + user
        + "\" password=\""
        + password
        + "\""
        + more
        + ";";
  }

  /** What a client of the secured broker needs to connect as {@code user}. */
  private static Map<String, String> scramClientProperties(
      KafkaTls tls, String user, String password) {
    Map<String, String> p = new LinkedHashMap<>(tlsClientProperties(tls));
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", SCRAM_MECHANISM);
    p.put("sasl.jaas.config", jaas(SCRAM_LOGIN, user, password, ""));
    return p;
  }

  private static Map<String, String> tlsClientProperties(KafkaTls tls) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("ssl.truststore.location", tls.truststore().toString());
    p.put("ssl.truststore.password", tls.truststorePassword());
    p.put("ssl.truststore.type", "PKCS12");
    return p;
  }

  /** Whether this broker was started with {@link #startSecured()}. */
  public boolean isSecured() {
    return tls != null;
  }

  /** The secured broker's TLS material; fails for the PLAINTEXT broker. */
  public KafkaTls tls() {
    requireSecured();
    return tls;
  }

  /**
   * The security properties a client of the secured broker needs to authenticate as {@code user}
   * with {@code password}: {@code security.protocol=SASL_SSL}, {@code sasl.mechanism}, {@code
   * sasl.jaas.config} and the truststore. Empty for the PLAINTEXT broker.
   */
  public Map<String, String> clientProperties(String user, String password) {
    return isSecured() ? scramClientProperties(tls, user, password) : Map.of();
  }

  /** The super user's client security properties (empty for the PLAINTEXT broker). */
  public Map<String, String> adminClientProperties() {
    return adminSecurity;
  }

  /**
   * Adds (or replaces) the SCRAM-SHA-512 credential of {@code user} through the Admin API's {@code
   * alterUserScramCredentials}, and waits until the broker accepts a login with it.
   */
  public void createUser(String user, String password) {
    requireSecured();
    try (Admin admin = Admin.create(adminProperties())) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Could not create Kafka user " + user, e);
    }
    // The credential reaches the broker's metadata cache a little after the controller commits it.
    Properties login = new Properties();
    login.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    login.putAll(clientProperties(user, password));
    login.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    login.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
    try (Admin asUser = Admin.create(login)) {
      while (true) {
        try {
          asUser.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for user " + user, e);
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("User " + user + " cannot log in", e);
          }
        }
        pause(Duration.ofMillis(100));
      }
    }
  }

  /** Creates ACLs as the super user and waits until the broker's authorizer has them. */
  public void createAcls(Collection<AclBinding> acls) {
    requireSecured();
    try (Admin admin = Admin.create(adminProperties())) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
      while (!admin
          .describeAcls(AclBindingFilter.ANY)
          .values()
          .get(10, TimeUnit.SECONDS)
          .containsAll(acls)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("ACLs not applied after " + TOPIC_READY_TIMEOUT);
        }
        pause(Duration.ofMillis(50));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating ACLs", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Could not create ACLs " + acls, e);
    }
  }

  private void requireSecured() {
    if (!isSecured()) {
      throw new IllegalStateException("this broker was not started with startSecured()");
    }
  }

  /** Admin client properties of this broker, as its super user when it is secured. */
  public Properties adminProperties() {
    Properties p = adminProperties(bootstrapServers);
    p.putAll(adminSecurity);
    return p;
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
    int[] ports = FreePorts.fill(brokerPort, controllerPort);
    Properties props = serverProperties(dir.resolve(LOG_DIR), ports[0], ports[1]);
    format(dir, props);
    return props;
  }

  /** Starts a broker on formatted storage and waits until it answers. */
  private static KafkaRaftServer launch(Properties props) {
    return launch(props, Map.of());
  }

  /** As {@link #launch(Properties)}, asking as a client with {@code security} settings. */
  private static KafkaRaftServer launch(Properties props, Map<String, String> security) {
    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
    try {
      server.startup();
      awaitReady(bootstrap(props), security);
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
    server = launch(props, adminSecurity);
  }

  /** True between a start or {@link #restart()} and {@link #stop()} or {@link #close()}. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The directory holding {@code server.properties} and the log directory {@code data/}. */
  public Path dataDir() {
    return dir;
  }

  /**
   * {@code 127.0.0.1:port} of the client listener (PLAINTEXT, or SASL_SSL for {@link
   * #startSecured()}), for {@code bootstrap.servers}.
   */
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
    try (Admin admin = Admin.create(adminProperties())) {
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
    format(dir, props, List.of());
  }

  /** As {@link #format(Path, Properties)}, with more arguments to {@code format}. */
  private static void format(Path dir, Properties props, List<String> more) {
    Path configFile = dir.resolve(CONFIG_FILE);
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "Sieve embedded Kafka");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + configFile, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exitCode = StorageTool.execute(formatArguments(configFile, more), printStream);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Formatting Kafka storage failed: " + e + "\n" + output.toString(StandardCharsets.UTF_8),
          e);
    }
    if (exitCode != 0) {
      throw new IllegalStateException(
          "Formatting Kafka storage failed with exit code "
              + exitCode
              + ": "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static String[] formatArguments(Path configFile, List<String> more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "format",
            "--cluster-id",
            Uuid.randomUuid().toString(),
            "--config",
            configFile.toString()));
    args.addAll(more);
    return args.toArray(new String[0]);
  }

  private static void awaitReady(String bootstrap, Map<String, String> security) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Exception last = null;
    Properties props = adminProperties(bootstrap);
    props.putAll(security);
    try (Admin admin = Admin.create(props)) {
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
