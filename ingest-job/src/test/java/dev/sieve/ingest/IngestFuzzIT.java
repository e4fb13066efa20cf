package dev.sieve.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.content.RejectReason;
import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.io.IngestSinks;
import dev.sieve.ingest.testing.ContentFuzzer;
import dev.sieve.ingest.testing.ContentFuzzer.Expect;
import dev.sieve.ingest.testing.ContentFuzzer.Payload;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.Fuzz;
import dev.sieve.testkit.ItStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ingest-job against {@value #DEFAULT_RECORDS} seeded random and mutated payloads (see {@link
 * ContentFuzzer}; {@code -Dsieve.fuzz.seed} replays a run, {@code -Dsieve.fuzz.records} changes the
 * count) plus records near the broker's size limit, on the real stack: no record fails the job, and
 * every record sent is accounted for — written to {@code sieve.content}, dropped as a counted
 * duplicate, or dead-lettered with a reason — with the heap bounded.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class IngestFuzzIT {

  private static final int DEFAULT_RECORDS = 100_000;
  private static final int RECORDS = Integer.getInteger("sieve.fuzz.records", DEFAULT_RECORDS);

  /** About the largest value the broker accepts with its default limits (1 MiB a record). */
  private static final int NEAR_LIMIT = 1_048_000;

  /** Live heap after a full GC once the job has taken everything in (measured: ~150 MB). */
  private static final long HEAP_AFTER_GC_BOUND = 512L << 20;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("ingest-fuzz", METRICS);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);
  private final ConfluentAvroCodec<DeadLetter> deadLetterCodec = it.codec(DeadLetter.class);

  @Test
  void noRecordFailsTheJobAndEveryRecordIsAccountedFor() throws Exception {
    long seed = Fuzz.seed("IngestFuzzIT");
    IngestConfig config = IngestConfig.fromArgs(it.jobArgs());
    it.createTopics(2, config.inputTopic(), config.contentTopic());
    it.createTopics(1, config.dlqTopic());
    ContentFuzzer fuzzer = new ContentFuzzer(contentCodec, config.inputTopic(), new Random(seed));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, config.common(), config.describe());
    IngestJob.defineWorkflow(
        env,
        KafkaSources.rawRecords(config.common(), config.inputTopic()),
        IngestSinks.content(config),
        IngestSinks.deadLetters(config),
        config);
    long setUp = System.nanoTime();
    JobClient job = env.executeAsync("ingest-fuzz-it");
    try {
      ItStack.awaitRunning(job);
      System.out.printf(
          "FUZZ IngestFuzzIT job running in %.1f s%n", (System.nanoTime() - setUp) / 1e9);
      Fuzz.Heap.resetPeaks();
      long start = System.nanoTime();

      // Act: every payload keyed "k<i>" (dead letters keep the key), then the near-limit ones.
      Map<String, Expect> expected = new HashMap<>();
      long bytes = 0;
      try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(RECORDS + 8);
        for (int i = 0; i < RECORDS; i++) {
          Payload p = fuzzer.next(i);
          expected.put("k" + i, p.expect());
          bytes += p.value() == null ? 0 : p.value().length;
          sent.add(producer.send(ItStack.record(config.inputTopic(), "k" + i, p.value())));
        }
        for (Map.Entry<String, byte[]> e : nearLimit(fuzzer, new Random(seed)).entrySet()) {
          expected.put(e.getKey(), null); // any reason; checked below
          bytes += e.getValue().length;
          sent.add(producer.send(ItStack.record(config.inputTopic(), e.getKey(), e.getValue())));
        }
        String bigKey = bigKey();
        expected.put(bigKey.substring(0, DeadLetters.MAX_KEY_BYTES), null);
        sent.add(
            producer.send(
                ItStack.record(
                    config.inputTopic(),
                    bigKey,
                    Fuzz.randomBytes(NEAR_LIMIT / 2, new Random(seed)))));
        for (Future<RecordMetadata> f : sent) {
          f.get();
        }
      }
      int total = expected.size();
      double sendSeconds = (System.nanoTime() - start) / 1e9;

      // Bigger than a record may be: refused by the producer or the broker, never seen by the job.
      assertRefusedBeforeTheJob(config.inputTopic());

      // Read both outputs until every record is accounted for, then three more checkpoints.
      Set<String> acceptedIds = new HashSet<>();
      Map<String, DeadLetter> letters = new HashMap<>();
      int[] contentRecords = {0};
      try (KafkaConsumer<byte[], byte[]> consumer = it.stack().readCommittedConsumer()) {
        List<TopicPartition> partitions =
            List.of(
                new TopicPartition(config.contentTopic(), 0),
                new TopicPartition(config.contentTopic(), 1),
                new TopicPartition(config.dlqTopic(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Runnable poll =
            () -> {
              for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(config.dlqTopic())) {
                  DeadLetter letter = deadLetterCodec.decode(r.value());
                  String key = new String(DeadLetters.keyOf(letter), StandardCharsets.UTF_8);
                  assertThat(letters.put(key, letter))
                      .as("a second dead letter for " + key)
                      .isNull();
                } else {
                  contentRecords[0]++;
                  acceptedIds.add(new String(r.key(), StandardCharsets.UTF_8));
                }
              }
            };
        await()
            .atMost(ItStack.DEADLINE)
            .pollInterval(Duration.ofMillis(10))
            .failFast("the job stopped running", () -> ItStack.status(job) != JobStatus.RUNNING)
            .until(
                () -> {
                  poll.run();
                  return contentRecords[0] + letters.size() + duplicates(job) >= total;
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
          poll.run();
        }

        // Every record accounted for, exactly: accepted, a counted duplicate, or dead-lettered.
        long duplicates = duplicates(job);
        assertThat(contentRecords[0] + letters.size() + duplicates).isEqualTo(total);
        assertThat(acceptedIds).hasSize(contentRecords[0]);
        assertThat(it.counters(job.getJobID(), ".sieve.accepted")).isEqualTo(contentRecords[0]);
        Map<String, Integer> byReason = new TreeMap<>();
        letters.forEach(
            (key, letter) -> {
              byReason.merge(letter.getReason(), 1, Integer::sum);
              assertThat(RejectReason.valueOf(letter.getReason())).isNotNull();
              assertThat(letter.getMessage()).as(key).isNotBlank();
              assertThat(letter.getSourceTopic()).isEqualTo(config.inputTopic());
            });
        // What was predictable happened: valid content accepted, known poison its own reason.
        int predicted = 0;
        for (Map.Entry<String, Expect> e : expected.entrySet()) {
          Expect expect = e.getValue();
          if (expect != null && expect.id() != null) {
            assertThat(acceptedIds).as(e.getKey()).contains(expect.id());
            predicted++;
          } else if (expect != null && expect.reason() != null) {
            assertThat(letters.get(e.getKey())).as(e.getKey()).isNotNull();
            assertThat(letters.get(e.getKey()).getReason())
                .as(e.getKey())
                .isEqualTo(expect.reason().name());
            predicted++;
          }
        }
        // Near-limit values are dead-lettered, cut so that the dead letter fits in a record.
        for (String key : nearLimit(fuzzer, new Random(seed)).keySet()) {
          DeadLetter letter = letters.get(key);
          assertThat(letter).as(key).isNotNull();
          assertThat(letter.getValue().remaining()).isEqualTo(DeadLetters.MAX_VALUE_BYTES);
          assertThat(letter.getMessage()).contains("cut to its first");
        }
        DeadLetter bigKeyLetter = letters.get(bigKey().substring(0, DeadLetters.MAX_KEY_BYTES));
        assertThat(bigKeyLetter).isNotNull();
        assertThat(bigKeyLetter.getMessage())
            .contains("the key of " + bigKey().length() + " bytes is cut to its first");

        // The job never restarted, still runs, and its heap stayed bounded.
        assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
        assertThat(it.gauges(job.getJobID(), ".numRestarts")).isNotEmpty().containsOnly(0L);
        long peak = Fuzz.Heap.peakBytes();
        long live = Fuzz.Heap.usedAfterGcBytes();
        System.out.printf(
            "FUZZ IngestFuzzIT seed=%d records=%d (%.1f MB) sent in %.1f s, all accounted for in"
                + " %.1f s (%.0f records/s): accepted=%d duplicates=%d dead-lettered=%d"
                + " (predicted %d) by reason %s; heap peak %d MB, after GC %d MB%n",
            seed,
            total,
            bytes / 1e6,
            sendSeconds,
            seconds,
            total / seconds,
            contentRecords[0],
            duplicates,
            letters.size(),
            predicted,
            byReason,
            peak >> 20,
            live >> 20);
        assertThat(live).isLessThan(HEAP_AFTER_GC_BOUND);
      }
    } finally {
      job.cancel().get();
    }
  }

  /**
   * Records just under the broker's limit: random bytes, JSON with a near-1 MB text and id, Avro
   * with a near-1 MB id. Before dead letters were capped, the DLQ sink could not write these.
   */
  private static Map<String, byte[]> nearLimit(ContentFuzzer fuzzer, Random random) {
    Map<String, byte[]> out = new TreeMap<>();
    byte[] garbage = Fuzz.randomBytes(NEAR_LIMIT, random);
    garbage[0] = 'x';
    out.put("near-limit-bytes", garbage);
    ContentEvent longText = fuzzer.event("near-limit-text");
    longText.setText("t".repeat(NEAR_LIMIT - 200));
    out.put("near-limit-json-text", ContentFuzzer.json(longText));
    out.put("near-limit-json-id", ContentFuzzer.json(fuzzer.event("i".repeat(NEAR_LIMIT - 1_000))));
    out.put("near-limit-avro-id", fuzzer.avro(fuzzer.event("i".repeat(NEAR_LIMIT - 1_000))));
    return out;
  }

  /**
   * The key of a record with a 500 KB key (and a 500 KB value): a dead letter carries the key
   * twice, as its record key and in the letter, so it must be cut as well.
   */
  private static String bigKey() {
    return "big-key-" + "k".repeat(NEAR_LIMIT / 2);
  }

  /**
   * 5 MB values: the producer refuses them itself (max.request.size, 1 MiB by default); one that
   * allows 8 MB has them refused by the broker (message.max.bytes, 1 MiB by default).
   */
  private void assertRefusedBeforeTheJob(String topic) {
    byte[] fiveMb = new byte[5 << 20];
    try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
      assertThatThrownBy(() -> producer.send(ItStack.record(topic, "5mb", fiveMb)).get())
          .hasCauseInstanceOf(RecordTooLargeException.class);
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", it.bootstrapServers());
    props.put("max.request.size", Integer.toString(8 << 20));
    props.put("retries", "0");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(() -> producer.send(ItStack.record(topic, "5mb", fiveMb)).get())
          .hasCauseInstanceOf(RecordTooLargeException.class);
    }
  }

  private long duplicates(JobClient job) {
    return it.counters(job.getJobID(), ".sieve.duplicates");
  }
}
