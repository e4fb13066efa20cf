package dev.sieve.testkit;

import static org.awaitility.Awaitility.await;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.registry.SchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.SharedStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What an integration test needs around a job, once: the JVM's real broker and registry ({@link
 * SharedStack}), topics under a prefix of the test's own, the jobs' common flags, Confluent-Avro
 * codecs, producing with every acknowledgement checked, {@code read_committed} reading until a
 * condition holds (failing fast when a job stops), and the jobs' counters and gauges from the
 * MiniCluster's {@link InMemoryReporter}.
 */
public final class ItStack {

  /** How long a test waits for what it expects before it fails. */
  public static final Duration DEADLINE = Duration.ofSeconds(120);

  private final SharedStack stack = SharedStack.get();
  private final String prefix;
  private final RestSchemaRegistryClient registry =
      new RestSchemaRegistryClient(RegistryConfig.forUrl(stack.registryUrl()));
  private final InMemoryReporter metrics;

  /** A stack whose topics are named {@code <name>-<random>.<topic>}; metrics may be null. */
  public ItStack(String name, InMemoryReporter metrics) {
    this.prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    this.metrics = metrics;
  }

  public String prefix() {
    return prefix;
  }

  public String bootstrapServers() {
    return stack.bootstrapServers();
  }

  public String registryUrl() {
    return stack.registryUrl();
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public SharedStack stack() {
    return stack;
  }

  /**
   * The flags every job takes, pointing at this stack and prefix, with 1 s checkpoints, followed by
   * {@code more}.
   */
  public String[] jobArgs(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                bootstrapServers(),
                "--registry-url",
                registryUrl(),
                "--topic-prefix",
                prefix,
                "--checkpoint-interval",
                "1s"));
    args.addAll(Arrays.asList(more));
    return args.toArray(new String[0]);
  }

  /**
   * {@code args} (a command and its own options) followed by the flags that point a client, such as
   * the {@code sieve} CLI, at this stack and prefix: {@code --bootstrap-servers}, {@code
   * --registry-url}, {@code --topic-prefix}.
   */
  public String[] cliArgs(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(
        List.of(
            "--bootstrap-servers", bootstrapServers(),
            "--registry-url", registryUrl(),
            "--topic-prefix", prefix));
    return all.toArray(new String[0]);
  }

  /**
   * The client properties of this stack: {@code bootstrap.servers} and, as Confluent's clients name
   * it, {@code schema.registry.url}.
   */
  public Map<String, String> clientProperties() {
    return Map.of("bootstrap.servers", bootstrapServers(), "schema.registry.url", registryUrl());
  }

  /** Creates the topics (full names) with {@code partitions} partitions each. */
  public void createTopics(int partitions, String... topics) {
    List<NewTopic> newTopics = new ArrayList<>();
    for (String topic : topics) {
      newTopics.add(new NewTopic(topic, partitions, (short) 1));
    }
    createTopics(newTopics);
  }

  public void createTopics(List<NewTopic> topics) {
    stack.kafka().createTopics(topics);
  }

  public <T extends SpecificRecord> ConfluentAvroCodec<T> codec(Class<T> type) {
    return new ConfluentAvroCodec<>(registry, type);
  }

  /** A byte-array producer on this stack; the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer() {
    return stack.producer();
  }

  /** Sends records ({@code keys[i]}, {@code values[i]}) and waits for every acknowledgement. */
  public List<RecordMetadata> send(String topic, List<String> keys, List<byte[]> values)
      throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      records.add(record(topic, keys.get(i), values.get(i)));
    }
    return send(records);
  }

  /**
   * Sends the records, to whichever topics they name, in order through one producer, and waits for
   * every acknowledgement; returns where each was written.
   */
  public List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        sent.add(producer.send(r));
      }
      List<RecordMetadata> acknowledged = new ArrayList<>();
      for (Future<RecordMetadata> f : sent) {
        acknowledged.add(f.get());
      }
      return acknowledged;
    }
  }

  public RecordMetadata send(String topic, String key, byte[] value) throws Exception {
    return send(topic, Collections.singletonList(key), List.of(value)).get(0);
  }

  /** A record keyed by {@code key} in UTF-8 (null stays null). */
  public static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(
        topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  /**
   * Reads {@code topic} from the beginning with {@code read_committed} (as a user's consumer of an
   * exactly-once job sees it), decoded, until {@code done} holds for what was read; fails after
   * {@link #DEADLINE} saying what was read, or at once if {@code job} (may be null) has stopped.
   */
  public <T extends SpecificRecord> List<T> readCommitted(
      String topic, Class<T> type, JobClient job, Predicate<List<T>> done) {
    ConfluentAvroCodec<T> codec = codec(type);
    List<T> out = new ArrayList<>();
    readCommittedRecords(
        topic,
        job,
        records -> {
          for (int i = out.size(); i < records.size(); i++) {
            out.add(codec.decode(records.get(i).value()));
          }
          return done.test(out);
        });
    return out;
  }

  /** {@link #readCommitted(String, Class, JobClient, Predicate)} with no job to watch. */
  public <T extends SpecificRecord> List<T> readCommitted(
      String topic, Class<T> type, Predicate<List<T>> done) {
    return readCommitted(topic, type, null, done);
  }

  /** The raw records of {@code topic}, read as {@link #readCommitted} reads them. */
  public List<ConsumerRecord<byte[], byte[]>> readCommittedRecords(
      String topic, JobClient job, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = stack.readCommittedConsumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      try {
        await()
            .atMost(DEADLINE)
            .failFast(
                "the job failed or ended",
                () -> job != null && status(job).isGloballyTerminalState())
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                  return done.test(out);
                });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "within "
                + DEADLINE
                + ", "
                + topic
                + " gave "
                + out.size()
                + " records, not what was awaited",
            e);
      }
    }
    return out;
  }

  /**
   * The raw records of every partition of {@code topic}, from the beginning to its end as of this
   * call, read with {@code read_committed} (so the end is each partition's last stable offset): for
   * a topic whose writers have been acknowledged, everything on it now. Fails if that is not read
   * within {@link #DEADLINE}.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommittedToEnd(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = stack.readCommittedConsumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "within "
                  + DEADLINE
                  + ", "
                  + topic
                  + " was not read to its end "
                  + end
                  + " ("
                  + out.size()
                  + " records read)");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Everything {@code topic} holds after three more seconds (three checkpoints) of the job. */
  public <T extends SpecificRecord> List<T> readAll(String topic, Class<T> type, JobClient job) {
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    return readCommitted(topic, type, job, read -> System.nanoTime() > until);
  }

  /** Waits until the job's {@code sieve.<name>} counters sum to at least {@code expected}. */
  public void awaitCounter(JobClient job, String name, long expected) {
    await()
        .atMost(DEADLINE)
        .failFast("the job failed or ended", () -> status(job).isGloballyTerminalState())
        .until(() -> counter(job.getJobID(), name) >= expected);
  }

  /**
   * Waits until {@code done} holds for the values of the job's gauges whose metric identifier ends
   * with {@code suffix} (as {@link #gauges} gives them: one per subtask for an operator's gauge),
   * for example until every subtask reports the same value; fails after {@link #DEADLINE}, or at
   * once if the job has stopped.
   */
  /**
   * Waits until {@code more} checkpoints of {@code job} have completed after this call: what a test
   * waits for before reading exactly-once output to its end, so that a duplicate the job committed
   * late would be in the read.
   */
  public void awaitMoreCheckpoints(JobClient job, int more) {
    long before = completedCheckpoints(job);
    awaitGauges(
        job,
        ".numberOfCompletedCheckpoints",
        values -> !values.isEmpty() && ((Number) values.get(0)).longValue() >= before + more);
  }

  private long completedCheckpoints(JobClient job) {
    List<Object> values = gauges(job.getJobID(), ".numberOfCompletedCheckpoints");
    return values.isEmpty() ? 0L : ((Number) values.get(0)).longValue();
  }

  public void awaitGauges(JobClient job, String suffix, Predicate<List<Object>> done) {
    await("gauges *" + suffix + " of job " + job.getJobID())
        .atMost(DEADLINE)
        .failFast("the job failed or ended", () -> status(job).isGloballyTerminalState())
        .until(() -> done.test(gauges(job.getJobID(), suffix)));
  }

  /** The sum over subtasks of the job's counters whose identifier ends in {@code .sieve.<name>}. */
  public long counter(JobID jobId, String name) {
    return counters(jobId, ".sieve." + name);
  }

  /** The sum of the job's counters whose metric identifier ends with {@code suffix}. */
  public long counters(JobID jobId, String suffix) {
    long sum = 0;
    for (Metric metric : metrics(jobId, suffix)) {
      if (metric instanceof Counter c) {
        sum += c.getCount();
      }
    }
    return sum;
  }

  /** The values of the job's gauges whose metric identifier ends with {@code suffix}. */
  public List<Object> gauges(JobID jobId, String suffix) {
    List<Object> out = new ArrayList<>();
    for (Metric metric : metrics(jobId, suffix)) {
      if (metric instanceof Gauge<?> g) {
        out.add(g.getValue());
      }
    }
    return out;
  }

  private List<Metric> metrics(JobID jobId, String suffix) {
    if (metrics == null) {
      throw new IllegalStateException("this ItStack was made without an InMemoryReporter");
    }
    List<Metric> out = new ArrayList<>();
    metrics
        .getMetricsByGroup()
        .forEach(
            (group, byName) -> {
              if (jobId.toString().equals(group.getAllVariables().get("<job_id>"))) {
                byName.forEach(
                    (name, metric) -> {
                      if (group.getMetricIdentifier(name).endsWith(suffix)) {
                        out.add(metric);
                      }
                    });
              }
            });
    return out;
  }

  /** The job's status now. */
  public static JobStatus status(JobClient job) {
    try {
      return job.getJobStatus().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the status of job " + job.getJobID(), e);
    }
  }

  /** Waits until {@code job} runs. */
  public static void awaitRunning(JobClient job) {
    await().atMost(DEADLINE).until(() -> status(job) == JobStatus.RUNNING);
  }
}
