package dev.sieve.cli;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.ingest.IngestJob;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.inference.InferenceJob;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve demo}: Sieve on this machine. Starts the embedded stack (Kafka broker, Apicurio
 * registry, Flink MiniCluster, all on 127.0.0.1), creates the topics, runs the jobs, streams the
 * bundled demo corpus and shows what comes out. Ctrl-C stops everything and removes its files.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Sieve on this machine, fed by a demo stream.",
      "Starts a real Kafka broker, a schema registry and the jobs in a local Flink cluster, all on"
          + " 127.0.0.1. Ctrl-C stops everything and removes what it wrote."
    })
final class DemoCommand implements Callable<Integer> {

  private static final String PREFIX = Topic.DEFAULT_PREFIX;
  private static final String CLASSIFIER = "topic";
  /** The demo's own key; a real deployment passes its secret with --model-signing-key. */
  private static final String SIGNING_KEY = "sieve-demo-signing-key";

  @Option(
      names = "--rate",
      defaultValue = "20",
      description = "Demo events per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--timeout",
      defaultValue = "PT2M",
      description = "Give up waiting for the jobs' output after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--keep-running",
      description = "Keep everything running after the demo stream, until Ctrl-C.")
  boolean keepRunning;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    DemoCorpus corpus = DemoCorpus.load();
    out.println("sieve demo: starting a Kafka broker, a schema registry and Flink on 127.0.0.1 ...");
    long started = System.nanoTime();
    try (DemoStack stack = DemoStack.start(4)) { // two jobs, parallelism 2 each
      String bootstrap = stack.kafka().bootstrapServers();
      String registryUrl = stack.registry().confluentApiUrl();
      out.printf(
          "  kafka     %s%n  registry  %s%n  flink     %s%n  (up in %d s)%n",
          bootstrap,
          registryUrl,
          stack.flink().getRestAddress().get(),
          Duration.ofNanos(System.nanoTime() - started).toSeconds());
      stack.kafka().createTopics(TopicsCommand.newTopics(PREFIX, 2, (short) 1));

      try (RestSchemaRegistryClient registry =
              new RestSchemaRegistryClient(RegistryConfig.forUrl(registryUrl));
          KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
          EmbedderHandle embedder = SharedEmbedders.acquire();
          DemoProgress progress =
              new DemoProgress(
                  bootstrap,
                  new ConfluentAvroCodec<>(registry, DeadLetter.class),
                  new ConfluentAvroCodec<>(registry, Prediction.class),
                  corpus.labels(),
                  PREFIX)) {
        declareClassifier(registry, producer, embedder);
        JobID ingest = submitIngestJob(stack, bootstrap, registryUrl);
        out.println("  ingest-job running (" + ingest + ")");
        JobID inference = submitInferenceJob(stack, bootstrap, registryUrl);
        out.println("  inference-job running (" + inference + ")");
        DemoProducer demo =
            new DemoProducer(
                producer,
                new ConfluentAvroCodec<>(registry, ContentEvent.class),
                new ConfluentAvroCodec<>(registry, Label.class),
                Topics.CONTENT_RAW.name(PREFIX));
        Thread feeder = feed(demo, corpus);
        boolean complete = watch(stack, List.of(ingest, inference), demo, feeder, progress);
        summary(demo, progress, complete);
        if (keepRunning) {
          out.println("Still running; Ctrl-C stops everything.");
          while (true) {
            progress.poll(Duration.ofSeconds(1));
          }
        }
        return complete ? 0 : 1;
      }
    }
  }

  private static JobID submitIngestJob(DemoStack stack, String bootstrap, String registryUrl)
      throws Exception {
    IngestConfig config =
        IngestConfig.fromArgs(
            "--bootstrap-servers", bootstrap,
            "--registry-url", registryUrl,
            "--topic-prefix", PREFIX,
            "--checkpoint-interval", "1s");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            EmbeddedFlink.configuration(stack.workDir().resolve("flink")));
    IngestJob.defineKafkaJob(env, config);
    return stack.flink().submitJob(env.getStreamGraph()).get().getJobID();
  }

  private static JobID submitInferenceJob(DemoStack stack, String bootstrap, String registryUrl)
      throws Exception {
    InferenceConfig config =
        InferenceConfig.fromArgs(
            "--bootstrap-servers", bootstrap,
            "--registry-url", registryUrl,
            "--topic-prefix", PREFIX,
            "--checkpoint-interval", "1s",
            "--model-signing-key", SIGNING_KEY);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            EmbeddedFlink.configuration(stack.workDir().resolve("flink")));
    InferenceJob.defineKafkaJob(env, config);
    return stack.flink().submitJob(env.getStreamGraph()).get().getJobID();
  }

  /**
   * Declares the demo classifier: a signed zero-shot version 0 built from the label descriptions,
   * so predictions exist before anyone labels anything.
   */
  private void declareClassifier(
      RestSchemaRegistryClient registry,
      KafkaProducer<byte[], byte[]> producer,
      EmbedderHandle embedder)
      throws Exception {
    ModelVersion version =
        ModelVersions.zeroShot(
            CLASSIFIER,
            0,
            DemoCorpus.LABELS,
            DemoCorpus.DESCRIPTIONS,
            embedder,
            SIGNING_KEY.getBytes(StandardCharsets.UTF_8));
    String topic = Topics.MODELS.name(PREFIX);
    producer
        .send(
            new ProducerRecord<>(
                topic,
                CLASSIFIER.getBytes(StandardCharsets.UTF_8),
                new ConfluentAvroCodec<>(registry, ModelVersion.class).encode(topic, version)))
        .get();
    out.printf(
        "  classifier '%s' declared: labels %s, zero-shot version 0%n", CLASSIFIER, DemoCorpus.LABELS);
  }

  private Thread feed(DemoProducer demo, DemoCorpus corpus) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread feeder =
        new Thread(
            () -> {
              try {
                demo.run(corpus, rate);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                failure.set(e);
                System.err.println("sieve demo: the demo producer failed: " + e);
              }
            },
            "sieve-demo-producer");
    feeder.setDaemon(true);
    feeder.start();
    return feeder;
  }

  /** Prints progress until every record sent is accounted for; false on timeout or job failure. */
  private boolean watch(
      DemoStack stack, List<JobID> jobs, DemoProducer demo, Thread feeder, DemoProgress progress)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextLine = 0;
    while (true) {
      progress.poll(Duration.ofMillis(250));
      boolean fed = !feeder.isAlive();
      boolean done =
          fed
              && progress.accepted() >= demo.valid()
              && progress.rejected() >= demo.malformed()
              && progress.predictions() >= demo.valid();
      if (System.nanoTime() >= nextLine || done) {
        out.printf(
            "  sent %4d   accepted %4d   dead-lettered %3d   predicted %4d (accuracy %.2f)%n",
            demo.sent(),
            progress.accepted(),
            progress.rejected(),
            progress.predictions(),
            progress.accuracy());
        nextLine = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (done) {
        return true;
      }
      for (JobID job : jobs) {
        JobStatus status = stack.flink().getJobStatus(job).get();
        if (status.isGloballyTerminalState()) {
          System.err.println("sieve demo: job " + job + " stopped: " + status + " (see the log)");
          return false;
        }
      }
      if (System.nanoTime() > deadline) {
        System.err.println("sieve demo: timed out waiting for the jobs' output after " + timeout);
        return false;
      }
    }
  }

  private void summary(DemoProducer demo, DemoProgress progress, boolean complete) {
    int dropped = demo.sent() - progress.accepted() - progress.rejected();
    out.println();
    out.printf(
        "Sent %d records: %d distinct events, %d re-sent ids, %d malformed.%n",
        demo.sent(), demo.valid(), demo.duplicates(), demo.malformed());
    out.printf(
        "sieve.content received %d events with %d distinct ids; %d duplicates were dropped.%n",
        progress.accepted(), progress.distinctAccepted(), dropped);
    out.printf(
        "sieve.content.dlq received %d records, by reason: %s%n",
        progress.rejected(), progress.reasons());
    out.printf(
        "'%s' predicted %d events; zero-shot accuracy against the corpus labels: %.2f%n",
        CLASSIFIER, progress.predictions(), progress.accuracy());
    out.printf(
        "INGEST sent=%d accepted=%d distinct_ids=%d duplicates_dropped=%d dead_letters=%d complete=%s%n",
        demo.sent(),
        progress.accepted(),
        progress.distinctAccepted(),
        dropped,
        progress.rejected(),
        complete);
    // The loop's later stages (labels, retraining, swaps, drift) are not in the demo yet: zeros.
    out.printf(
        "DEMO events=%d predictions=%d labels=0 versions=1 swaps=0 drift_alerts=0 final_accuracy=%.3f%n",
        progress.accepted(), progress.predictions(), progress.accuracy());
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
