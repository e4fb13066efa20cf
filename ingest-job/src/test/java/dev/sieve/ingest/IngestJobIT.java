package dev.sieve.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.core.content.RejectReason;
import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.ListeningSockets;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.io.IngestSinks;
import dev.sieve.ingest.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobID;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ingest-job end to end on the real stack: an in-process Kafka broker, the Apicurio registry, and a
 * MiniCluster with RocksDB state and 1 s checkpoints, in exactly-once mode.
 */
class IngestJobIT {

  private static final int VALID = 1_000;
  private static final int DUPLICATES = 60;
  private static final Duration DEADLINE = Duration.ofSeconds(45);

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("ingest-it", METRICS);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);
  private final ConfluentAvroCodec<DeadLetter> deadLetterCodec = it.codec(DeadLetter.class);

  @Test
  void ingestsValidContentExactlyOnceAndDeadLettersEveryMalformedRecord() throws Exception {
    IngestConfig config = IngestConfig.fromArgs(it.jobArgs());
    it.createTopics(2, config.inputTopic(), config.contentTopic());
    it.createTopics(1, config.dlqTopic());

    // Arrange: valid events in both wire forms (some to normalise, some to truncate), repeats of
    // earlier ids, and one record of every malformed kind.
    Map<String, String> expectedText = new LinkedHashMap<>();
    Map<RejectReason, byte[]> malformed =
        Samples.malformed(contentCodec, it.codec(Label.class), config.inputTopic());
    malformed.put(RejectReason.TEXT_TOO_LONG, Samples.tooLong("huge", config.hardCapChars()));
    Map<RejectReason, RecordMetadata> malformedAt = new LinkedHashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < VALID; i++) {
        String id = "content-" + i;
        String text =
            i % 100 == 7 ? "long " + "w".repeat(3_000) : "  Cafe\u0301 n\u00ba" + i + "\u0007 ";
        expectedText.put(
            id,
            i % 100 == 7
                ? ("long " + "w".repeat(3_000)).substring(0, 2_000)
                : "Caf\u00e9 n\u00ba" + i);
        sent.add(
            producer.send(ItStack.record(config.inputTopic(), id, valueOf(config, i, id, text))));
      }
      for (int i = 0; i < DUPLICATES; i++) {
        String id = "content-" + (i * 7);
        sent.add(
            producer.send(
                ItStack.record(config.inputTopic(), id, valueOf(config, i, id, "repeat"))));
      }
      Map<RejectReason, Future<RecordMetadata>> bad = new LinkedHashMap<>();
      malformed.forEach(
          (reason, value) ->
              bad.put(
                  reason,
                  producer.send(ItStack.record(config.inputTopic(), "bad-" + reason, value))));
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
      for (var e : bad.entrySet()) {
        malformedAt.put(e.getKey(), e.getValue().get());
      }
    }

    // Act: the real job, unbounded, as main() would build it.
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, config.common(), config.describe());
    IngestJob.defineWorkflow(
        env,
        KafkaSources.rawRecords(config.common(), config.inputTopic()),
        IngestSinks.content(config),
        IngestSinks.deadLetters(config),
        config);
    JobClient job = env.executeAsync("ingest-job-it");
    JobID jobId = job.getJobID();

    try {
      Map<String, ConsumerRecord<byte[], byte[]>> content = new HashMap<>();
      List<ConsumerRecord<byte[], byte[]>> contentRecords = new ArrayList<>();
      List<ConsumerRecord<byte[], byte[]>> dlqRecords = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = it.stack().readCommittedConsumer()) {
        consumer.assign(
            List.of(
                new TopicPartition(config.contentTopic(), 0),
                new TopicPartition(config.contentTopic(), 1),
                new TopicPartition(config.dlqTopic(), 0)));
        consumer.seekToBeginning(consumer.assignment());
        await().atMost(DEADLINE).until(() -> ItStack.status(job) == JobStatus.RUNNING);
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(200))
            .failFast("the job stopped running", () -> ItStack.status(job) != JobStatus.RUNNING)
            .until(
                () -> {
                  for (var r : consumer.poll(Duration.ofMillis(100))) {
                    (r.topic().equals(config.dlqTopic()) ? dlqRecords : contentRecords).add(r);
                  }
                  return contentRecords.size() >= VALID
                      && dlqRecords.size() >= malformed.size()
                      && it.counters(jobId, ".sieve.duplicates") == DUPLICATES;
                });
        // Everything is in; one more checkpoint's worth of polling would show any extra record.
        await()
            .pollDelay(Duration.ofMillis(2_500))
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> {
                  for (var r : consumer.poll(Duration.ofMillis(100))) {
                    (r.topic().equals(config.dlqTopic()) ? dlqRecords : contentRecords).add(r);
                  }
                  return true;
                });
      }

      // Assert: every valid event exactly once, keyed by id, normalised.
      for (var r : contentRecords) {
        content.put(new String(r.key(), StandardCharsets.UTF_8), r);
      }
      assertThat(contentRecords).hasSize(VALID);
      assertThat(content.keySet()).containsExactlyInAnyOrderElementsOf(expectedText.keySet());
      content.forEach(
          (id, r) -> {
            ContentEvent event = contentCodec.decode(r.value());
            assertThat(event.getId()).isEqualTo(id);
            assertThat(event.getText()).as(id).isEqualTo(expectedText.get(id));
            assertThat(event.getTruncated()).as(id).isEqualTo(event.getText().startsWith("long"));
            assertThat(event.getTimestampMs()).as(id).isNotNull();
          });
      assertThat(contentCodec.decode(content.get("content-7").value()).getOriginalLength())
          .isEqualTo(3_005);

      // Every malformed record in the DLQ with its reason, original bytes, key and origin.
      assertThat(dlqRecords).hasSize(malformed.size());
      Map<String, DeadLetter> letters = new HashMap<>();
      for (var r : dlqRecords) {
        DeadLetter letter = deadLetterCodec.decode(r.value());
        letters.put(letter.getReason(), letter);
        assertThat(r.key()).isEqualTo(bytes(letter.getKey()));
      }
      assertThat(letters.keySet())
          .containsExactlyInAnyOrderElementsOf(
              malformed.keySet().stream().map(Enum::name).toList());
      malformed.forEach(
          (reason, value) -> {
            DeadLetter letter = letters.get(reason.name());
            RecordMetadata at = malformedAt.get(reason);
            assertThat(bytes(letter.getValue())).as(reason.name()).isEqualTo(value);
            assertThat(bytes(letter.getKey()))
                .isEqualTo(("bad-" + reason).getBytes(StandardCharsets.UTF_8));
            assertThat(letter.getSourceTopic()).isEqualTo(config.inputTopic());
            assertThat(letter.getSourcePartition()).isEqualTo(at.partition());
            assertThat(letter.getSourceOffset()).isEqualTo(at.offset());
            assertThat(letter.getSourceTimestampMs()).isEqualTo(at.timestamp());
            assertThat(letter.getJob()).isEqualTo(IngestJob.JOB);
            assertThat(letter.getMessage()).isNotBlank();
            assertThat(it.counters(jobId, ".sieve.reason." + reason + ".rejected"))
                .as(reason.name())
                .isEqualTo(1);
          });

      // Duplicates dropped and counted, the rest accepted; the job never restarted.
      assertThat(it.counters(jobId, ".sieve.duplicates")).isEqualTo(DUPLICATES);
      assertThat(it.counters(jobId, ".sieve.accepted")).isEqualTo(VALID);
      assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
      assertThat(it.gauges(jobId, ".numRestarts")).isNotEmpty().containsOnly(0L);

      // Every server of this JVM (broker, Flink) listens on loopback only.
      List<InetSocketAddress> listeners =
          ListeningSockets.tcpListeners(ProcessHandle.current().pid());
      assertThat(listeners).isNotEmpty();
      assertThat(listeners)
          .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    } finally {
      job.cancel().get();
    }
  }

  private byte[] valueOf(IngestConfig config, int i, String id, String text) {
    if (i % 2 == 0) {
      ContentEvent event = Samples.content(id, text);
      event.setSource("avro-producer");
      return contentCodec.encode(config.inputTopic(), event);
    }
    return Samples.utf8(
        "{\"id\":\"" + id + "\",\"text\":\"" + jsonEscape(text) + "\",\"source\":\"json\"}");
  }

  private static String jsonEscape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
