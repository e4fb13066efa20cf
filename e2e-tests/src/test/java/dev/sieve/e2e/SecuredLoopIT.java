package dev.sieve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.SieveCli;
import dev.sieve.cli.label.QueueSettings;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.embedded.EmbeddedKafka;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.local.DemoJobs;
import dev.sieve.local.DemoProgress;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole loop of {@link FullLoopIT} against a broker that authenticates and authorises every
 * client ({@link EmbeddedKafka#startSecured()}: SASL_SSL with SCRAM-SHA-512 on 127.0.0.1 and ACLs)
 * and a schema registry that serves only its users ({@link ApicurioRegistry#startSecured}: HTTP
 * basic auth), with three principals, each configured only through a properties file whose secrets
 * (the SASL password, the truststore password, the registry's {@code basic.auth.user.info}) are
 * Kafka config-provider references to files ({@code FileConfigProvider} for the jobs and the
 * labeler, {@code DirectoryConfigProvider} for the operator):
 *
 * <ul>
 *   <li>{@code jobs}: the four Flink jobs' sources, sinks and admin clients ({@code
 *       --kafka-properties}), with ACLs on the deployment's topics, groups and transactional ids;
 *   <li>{@code operator}: the CLI ({@code topics --create}, {@code classifier create}, {@code
 *       produce}, {@code tail}) with {@code --config};
 *   <li>{@code labeler}: {@code sieve oracle}, the labeling queue's share consumer and label
 *       producer (as {@code sieve label} uses them), allowed to read label requests in its share
 *       group and write labels, and nothing else.
 * </ul>
 */
class SecuredLoopIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final String CLASSIFIER = "topic";
  private static final int STREAMED = 600;
  private static final Duration DEADLINE = Duration.ofMinutes(4);
  private static final String FILE_PROVIDER =
      "org.apache.kafka.common.config.provider.FileConfigProvider";
  private static final String DIR_PROVIDER =
      "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, DemoJobs.SLOTS);

  @TempDir static Path dir;

  private static EmbeddedKafka kafka;
  private static ApicurioRegistry registry;
  private static RestSchemaRegistryClient registryClient;
  private static final ItStack IT = new ItStack("it-secured", METRICS);
  private static final String PREFIX = IT.prefix();
  private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();
  private static final Map<String, String> REGISTRY_PASSWORDS = new LinkedHashMap<>();

  private static Path jobsProperties;
  private static Path operatorProperties;
  private static Path labelerProperties;

  @BeforeAll
  static void secureBrokerAndRegistry() throws IOException {
    for (String user : List.of("jobs", "operator", "labeler")) {
      REGISTRY_PASSWORDS.put(user, user + "-registry-" + java.util.UUID.randomUUID());
    }
    // The registry's JVM starts while the broker does.
    CompletableFuture<ApicurioRegistry> securedRegistry =
        CompletableFuture.supplyAsync(() -> ApicurioRegistry.startSecured(REGISTRY_PASSWORDS));
    kafka = EmbeddedKafka.startSecured();
    registry = securedRegistry.join();
    for (String user : List.of("jobs", "operator", "labeler")) {
      String password = user + "-" + java.util.UUID.randomUUID();
      PASSWORDS.put(user, password);
      kafka.createUser(user, password);
    }
    List<AclBinding> acls = new ArrayList<>();
    for (String user : List.of("jobs", "operator")) {
      for (ResourceType type :
          List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
        acls.add(allow(user, type, PREFIX, PatternType.PREFIXED, AclOperation.ALL));
      }
    }
    String requests = Topics.LABELING_REQUESTS.name(PREFIX);
    String labels = Topics.LABELS.name(PREFIX);
    acls.add(
        allow("labeler", ResourceType.TOPIC, requests, PatternType.LITERAL, AclOperation.READ));
    acls.add(allow("labeler", ResourceType.TOPIC, labels, PatternType.LITERAL, AclOperation.WRITE));
    for (AclOperation op :
        List.of(
            AclOperation.READ,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS)) {
      acls.add(
          allow(
              "labeler", ResourceType.GROUP, QueueSettings.DEFAULT_GROUP, PatternType.LITERAL, op));
    }
    kafka.createAcls(acls);

    // Secrets in owner-only files: one properties file (FileConfigProvider) and a directory with
    // one file per secret (DirectoryConfigProvider); the client files only point at them.
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Path kafkaSecrets = secrets.resolve("kafka.secrets");
    Properties values = new Properties();
    values.put("jobs.password", PASSWORDS.get("jobs"));
    values.put("labeler.password", PASSWORDS.get("labeler"));
    values.put("truststore.password", kafka.tls().truststorePassword());
    values.put("jobs.registry", userInfo("jobs"));
    values.put("labeler.registry", userInfo("labeler"));
    try (var out = Files.newOutputStream(kafkaSecrets)) {
      values.store(out, null);
    }
    Path operatorDir = Files.createDirectories(secrets.resolve("operator"));
    Files.writeString(operatorDir.resolve("password"), PASSWORDS.get("operator"));
    Files.writeString(operatorDir.resolve("truststore-password"), kafka.tls().truststorePassword());
    Files.writeString(operatorDir.resolve("registry"), userInfo("operator"));
    for (Path p :
        List.of(kafkaSecrets, operatorDir.resolve("password"), operatorDir.resolve("registry"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    jobsProperties =
        write(
            "jobs.properties",
            clientFile(
                "jobs",
                "file",
                FILE_PROVIDER,
                "${file:" + kafkaSecrets + ":jobs.password}",
                "${file:" + kafkaSecrets + ":truststore.password}",
                "${file:" + kafkaSecrets + ":jobs.registry}"));
    Map<String, String> operator =
        clientFile(
            "operator",
            "dir",
            DIR_PROVIDER,
            "${dir:" + operatorDir + ":password}",
            "${dir:" + operatorDir + ":truststore-password}",
            "${dir:" + operatorDir + ":registry}");
    operator.put("bootstrap.servers", kafka.bootstrapServers());
    operator.put("schema.registry.url", registry.confluentApiUrl());
    operator.put("sieve.topic.prefix", PREFIX);
    operatorProperties = write("operator.properties", operator);
    Map<String, String> labeler =
        clientFile(
            "labeler",
            "file",
            FILE_PROVIDER,
            "${file:" + kafkaSecrets + ":labeler.password}",
            "${file:" + kafkaSecrets + ":truststore.password}",
            "${file:" + kafkaSecrets + ":labeler.registry}");
    labeler.put("bootstrap.servers", kafka.bootstrapServers());
    labeler.put("schema.registry.url", registry.confluentApiUrl());
    labelerProperties = write("labeler.properties", labeler);
    // What the test itself decodes with: the operator's registry client, from its file.
    registryClient =
        new RestSchemaRegistryClient(RegistryConfig.fromProperties(read(operatorProperties)));
  }

  @AfterAll
  static void stopBrokerAndRegistry() {
    if (registryClient != null) {
      registryClient.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** {@code basic.auth.user.info} of {@code user} on the registry. */
  private static String userInfo(String user) {
    return user + ":" + REGISTRY_PASSWORDS.get(user);
  }

  @Test
  void theWholeLoopRunsWithEveryClientAuthenticatedAndAuthorised() throws Exception {
    Run topics = sieve("topics", "--create", "--partitions", "2", "--config", op());
    assertThat(topics.exit()).as(topics.err()).isZero();

    Run created =
        sieve(
            "classifier",
            "create",
            CLASSIFIER,
            "--labels",
            String.join(",", DemoCorpus.LABELS),
            "--descriptions",
            String.join("|", DemoCorpus.DESCRIPTIONS),
            "--signing-key-file",
            KEYS.privateKey().toString(),
            "--config",
            op());
    assertThat(created.exit()).as(created.err()).isZero();

    DemoCorpus corpus = DemoCorpus.load();
    List<DemoCorpus.Item> streamed =
        corpus.phase(DemoCorpus.BEFORE_SHIFT).stream().limit(STREAMED).toList();
    List<JobClient> jobs = new ArrayList<>();
    try (DemoProgress progress =
        new DemoProgress(
            kafka.bootstrapServers(),
            kafka.adminClientProperties(),
            registryClient,
            corpus.labels(),
            PREFIX)) {
      var defined =
          DemoJobs.define(
              null,
              kafka.bootstrapServers(),
              registry.confluentApiUrl(),
              PREFIX,
              KEYS,
              List.of("--kafka-properties", jobsProperties.toString()));
      for (var job : defined.entrySet()) {
        // What the Flink web UI shows as the job's configuration: no secret, the JAAS line masked.
        Map<String, String> shown = job.getValue().getConfig().getGlobalJobParameters().toMap();
        assertThat(shown).containsEntry("kafka.security.protocol", "SASL_SSL");
        assertThat(shown).containsEntry("kafka.sasl.jaas.config", "******");
        assertThat(shown.toString()).doesNotContain(PASSWORDS.get("jobs"));
        assertThat(shown.toString()).doesNotContain(REGISTRY_PASSWORDS.get("jobs"));
        jobs.add(job.getValue().executeAsync(job.getKey()));
      }
      JobClient inference = jobs.get(1);
      // The labeler principal answers through `sieve oracle` (the share consumer of the labeling
      // queue, as `sieve label` uses it), until no request has come for 30 s.
      Path answers = answers(corpus);
      CompletableFuture<Run> oracle =
          CompletableFuture.supplyAsync(
              () ->
                  sieve(
                      "oracle",
                      "--answers",
                      answers.toString(),
                      "--config",
                      labelerProperties.toString(),
                      "--topic-prefix",
                      PREFIX,
                      "--stop-when-idle",
                      "30s"));
      Run produced = sieve("produce", "--file", events(streamed).toString(), "--config", op());
      assertThat(produced.exit()).as(produced.err()).isZero();
      assertThat(produced.out()).startsWith("produced=" + streamed.size() + " skipped=0");

      await("a retrained version serving on every inference subtask")
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(200))
          .failFast("a job ended", () -> anyEnded(jobs))
          .failFast("the oracle stopped", oracle::isDone)
          .until(
              () -> {
                progress.poll(Duration.ofMillis(200));
                List<Object> serving =
                    IT.gauges(
                        inference.getJobID(), ".sieve.classifier." + CLASSIFIER + ".modelVersion");
                return serving.size() == 2
                    && serving.stream().allMatch(v -> v instanceof Integer n && n >= 1);
              });
      assertThat(progress.labelled()).isPositive();
      assertThat(progress.versions()).containsKey(1);
      Run answered = oracle.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(answered.exit()).as(answered.err()).isZero();
      Matcher count = Pattern.compile("answered (\\d+) .*rejected 0,").matcher(answered.out());
      assertThat(count.find()).as(answered.out()).isTrue();
      assertThat(Integer.parseInt(count.group(1)))
          .as("labels written by the labeler principal")
          .isPositive();
      System.out.printf(
          "SecuredLoopIT: %d events, %d requests, versions %s; %s%n",
          streamed.size(),
          progress.requests(),
          progress.versions().keySet(),
          answered.out().lines().reduce((a, b) -> b).orElse(""));

      // No job was ever refused anything: not one restart.
      for (JobClient job : jobs) {
        assertThat(IT.gauges(job.getJobID(), ".numRestarts"))
            .as("restarts of job %s", job.getJobID())
            .isNotEmpty()
            .allMatch(n -> ((Number) n).longValue() == 0);
      }

      Run tail = sieve("tail", "predictions", "--from-beginning", "--max", "5", "--config", op());
      assertThat(tail.exit()).as(tail.err()).isZero();
      assertThat(tail.out().lines()).hasSize(5).allMatch(l -> l.contains(CLASSIFIER));
    } finally {
      for (JobClient job : jobs) {
        job.cancel().get();
      }
    }
  }

  @Test
  void aClientWithoutCredentialsIsRefused() throws IOException {
    // Kafka's own client: no SASL, no TLS. The broker never answers it.
    Properties plain = new Properties();
    plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class);
    }

    // The CLI with the operator's name and a wrong password: refused, in one line.
    Map<String, String> wrong = read(operatorProperties);
    wrong.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"operator\""
            + " password=\"not-the-password\";");
    Path wrongFile = write("wrong.properties", wrong);
    Run tail =
        sieve(
            "tail",
            "predictions",
            "--from-beginning",
            "--max",
            "1",
            "--timeout",
            "20s",
            "--config",
            wrongFile.toString());
    assertThat(tail.exit()).isNotZero();
    System.out.println("SecuredLoopIT: wrong password: " + tail.err().strip());
    assertThat(tail.err())
        .contains("SaslAuthenticationException")
        .contains("check the user and password")
        .contains("invalid credentials")
        .doesNotContain("not-the-password");
  }

  @Test
  void aCommandWithoutRegistryCredentialsIsRefusedInOneLine() throws IOException {
    Run topics = sieve("topics", "--create", "--partitions", "2", "--config", op());
    assertThat(topics.exit()).as(topics.err()).isZero();
    Path events =
        Files.writeString(
            dir.resolve("one-event.jsonl"),
            "{\"id\":\"r1\",\"text\":\"hello\",\"source\":\"it\"}\n");

    // The operator's Kafka login, but no registry user: the registry refuses the schema lookup.
    Map<String, String> noUser = read(operatorProperties);
    noUser.remove("basic.auth.user.info");
    Run anonymous =
        sieve(
            "produce",
            "--file",
            events.toString(),
            "--config",
            write("no-registry-user.properties", noUser).toString());
    assertThat(anonymous.exit()).isNotZero();
    System.out.println("SecuredLoopIT: no registry user: " + anonymous.err().strip());
    assertThat(anonymous.err().strip().lines()).hasSize(1);
    assertThat(anonymous.err())
        .contains("HTTP 401")
        .contains("no user and password were sent")
        .contains("basic.auth.user.info");

    // A wrong registry password: refused, and the password is not repeated.
    Map<String, String> wrong = read(operatorProperties);
    wrong.put("basic.auth.user.info", "operator:not-the-registry-password");
    Run refused =
        sieve(
            "produce",
            "--file",
            events.toString(),
            "--config",
            write("wrong-registry-user.properties", wrong).toString());
    assertThat(refused.exit()).isNotZero();
    System.out.println("SecuredLoopIT: wrong registry password: " + refused.err().strip());
    assertThat(refused.err().strip().lines()).hasSize(1);
    assertThat(refused.err())
        .contains("HTTP 401")
        .contains("refused the user and password")
        .doesNotContain("not-the-registry-password");
  }

  @Test
  void theLabelerCannotPublishAModelVersion() throws Exception {
    String models = Topics.MODELS.name(PREFIX);
    Run topics = sieve("topics", "--create", "--partitions", "2", "--config", op());
    assertThat(topics.exit()).as(topics.err()).isZero();

    Properties asLabeler = new Properties();
    asLabeler.putAll(read(labelerProperties));
    asLabeler.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    asLabeler.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    asLabeler.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(asLabeler, new ByteArraySerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(models, "topic".getBytes(), new byte[] {0}))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    // The same through the CLI: one clear line naming the refused topic.
    Run create =
        sieve(
            "classifier",
            "create",
            "forged",
            "--labels",
            "a,b",
            "--signing-key-file",
            KEYS.privateKey().toString(),
            "--timeout",
            "20s",
            "--config",
            labelerProperties.toString(),
            "--topic-prefix",
            PREFIX);
    assertThat(create.exit()).isNotZero();
    System.out.println("SecuredLoopIT: labeler publishing: " + create.err().strip());
    assertThat(create.err())
        .contains("TopicAuthorizationException")
        .contains(models)
        .contains("no ACL");
  }

  private static String op() {
    return operatorProperties.toString();
  }

  /** A client file for {@code user}: SASL_SSL, SCRAM, and secrets as provider references. */
  private static Map<String, String> clientFile(
      String user,
      String provider,
      String providerClass,
      String password,
      String trustPassword,
      String registryUserInfo) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", EmbeddedKafka.SCRAM_MECHANISM);
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    p.put("ssl.truststore.location", kafka.tls().truststore().toString());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.password", trustPassword);
    p.put("basic.auth.user.info", registryUserInfo);
    p.put("config.providers", provider);
    p.put("config.providers." + provider + ".class", providerClass);
    return p;
  }

  private static Path write(String name, Map<String, String> values) throws IOException {
    Properties props = new Properties();
    props.putAll(values);
    Path file = dir.resolve(name);
    try (var out = Files.newOutputStream(file)) {
      props.store(out, null);
    }
    String text = Files.readString(file);
    for (String password : PASSWORDS.values()) {
      assertThat(text).as("a client file holds no password").doesNotContain(password);
    }
    for (String password : REGISTRY_PASSWORDS.values()) {
      assertThat(text).as("a client file holds no password").doesNotContain(password);
    }
    return file;
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    }
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
    return out;
  }

  private static Path events(List<DemoCorpus.Item> items) throws IOException {
    List<String> lines = new ArrayList<>();
    for (DemoCorpus.Item item : items) {
      lines.add(
          JSON.writeValueAsString(Map.of("id", item.id(), "text", item.text(), "source", "it")));
    }
    return Files.write(dir.resolve("events.jsonl"), lines);
  }

  private static Path answers(DemoCorpus corpus) throws IOException {
    List<String> lines = new ArrayList<>();
    for (DemoCorpus.Item item : corpus.items()) {
      lines.add(
          JSON.writeValueAsString(
              Map.of("id", item.id(), "text", item.text(), "label", item.label())));
    }
    return Files.write(dir.resolve("answers.jsonl"), lines);
  }

  private static AclBinding allow(
      String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  private static boolean anyEnded(List<JobClient> jobs) {
    return jobs.stream().anyMatch(job -> ItStack.status(job).isGloballyTerminalState());
  }

  private record Run(int exit, String out, String err) {}

  private static Run sieve(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SieveCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
