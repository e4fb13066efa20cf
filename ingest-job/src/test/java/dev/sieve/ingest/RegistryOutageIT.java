package dev.sieve.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.registry.Subjects;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.io.IngestSinks;
import dev.sieve.ingest.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ingest-job rides out a 90 s registry outage on its own: events keep arriving while the registry
 * is stopped, among them records of a writer schema registered just before the outage (so the job
 * must ask the registry for it); after the registry comes back on the same URL with the same
 * schemas, every valid event is on {@code sieve.content} exactly once ({@code read_committed}),
 * nothing is dead-lettered, and the job runs without anyone resubmitting it.
 *
 * <p>It has its own registry ({@link ApicurioRegistry#start()}), since it stops it; the broker is
 * the JVM's shared one. It takes about three minutes: the outage, plus up to one minute for the
 * job's next restart attempt (exponential delay capped at 1 min) after the registry is back.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class RegistryOutageIT {

  private static final Duration OUTAGE = Duration.ofSeconds(90);
  private static final int BEFORE = 100;
  private static final int PER_SECOND = 4;
  private static final int AFTER = 40;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("registry-outage-it", METRICS);

  @Test
  void theJobRidesOutARegistryOutageWithoutLosingDoublingOrDeadLetteringAnEvent() throws Exception {
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      String url = registry.confluentApiUrl();
      IngestConfig config =
          IngestConfig.fromArgs(
              new String[] {
                "--bootstrap-servers",
                it.bootstrapServers(),
                "--registry-url",
                url,
                "--topic-prefix",
                it.prefix(),
                "--checkpoint-interval",
                "1s"
              });
      it.createTopics(2, config.inputTopic(), config.contentTopic());
      it.createTopics(1, config.dlqTopic());
      RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryConfig.forUrl(url));
      ConfluentAvroCodec<ContentEvent> codec = new ConfluentAvroCodec<>(client, ContentEvent.class);
      Map<String, String> expected = new LinkedHashMap<>();
      Events events = new Events(config.inputTopic(), codec, expected);

      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      JobEnvironment.configure(env, config.common(), config.describe());
      IngestJob.defineWorkflow(
          env,
          KafkaSources.rawRecords(config.common(), config.inputTopic()),
          IngestSinks.content(config),
          IngestSinks.deadLetters(config),
          config);
      JobClient job = env.executeAsync("registry-outage-it");
      try {
        ItStack.awaitRunning(job);
        it.send(events.next(BEFORE, null));
        awaitContent(config, job, expected.size());

        // A producer starts writing with a new (compatible) schema version just before the
        // outage: the job has never seen its id, so it has to ask the registry for it.
        Schema evolved = evolvedContentSchema();
        int evolvedId = client.register(Subjects.value(config.inputTopic()), evolved);
        events.evolved(evolved, evolvedId);

        long outageStart = System.nanoTime();
        registry.stop();
        while (System.nanoTime() - outageStart < OUTAGE.toNanos()) {
          it.send(events.next(PER_SECOND, evolvedId));
          Thread.sleep(1_000); // pacing the stream, not a wait for a result
        }
        List<Object> restartsDuringOutage = it.gauges(job.getJobID(), ".numRestarts");
        registry.restart();
        long back = System.nanoTime();
        it.send(events.next(AFTER, evolvedId));

        List<ConsumerRecord<byte[], byte[]>> content = awaitContent(config, job, expected.size());
        long recoveredMs = (System.nanoTime() - back) / 1_000_000;
        // Three more checkpoints: a duplicate or a late dead letter would show by then.
        long settled = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<ConsumerRecord<byte[], byte[]>> all =
            it.readCommittedRecords(
                config.contentTopic(), job, read -> System.nanoTime() > settled);
        List<ConsumerRecord<byte[], byte[]>> dlq = it.readCommittedToEnd(config.dlqTopic());

        Map<String, ContentEvent> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : all) {
          ContentEvent e = codec.decode(r.value());
          assertThat(byId.put(e.getId().toString(), e)).as("duplicate %s", e.getId()).isNull();
        }
        assertThat(all).hasSameSizeAs(content).hasSize(expected.size());
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        byId.forEach((id, e) -> assertThat(e.getText().toString()).isEqualTo(expected.get(id)));
        assertThat(events.evolvedSent).isGreaterThan(0);
        assertThat(dlq).isEmpty();

        // The outage was felt (the job failed and restarted at least once) and it came back by
        // itself: still the same job, running.
        assertThat(it.gauges(job.getJobID(), ".numRestarts"))
            .isNotEmpty()
            .allSatisfy(n -> assertThat(((Number) n).longValue()).isPositive());
        assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
        System.out.printf(
            "RegistryOutageIT: %d events (%d with the new schema id), restarts during the"
                + " outage %s, all out %d ms after the registry was back%n",
            expected.size(), events.evolvedSent, restartsDuringOutage, recoveredMs);
      } finally {
        job.cancel().get();
      }
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> awaitContent(
      IngestConfig config, JobClient job, int count) {
    return it.readCommittedRecords(config.contentTopic(), job, read -> read.size() >= count);
  }

  /** ContentEvent plus an optional field: a BACKWARD-compatible next version. */
  private static Schema evolvedContentSchema() {
    String json = ContentEvent.getClassSchema().toString();
    return new Schema.Parser()
        .parse(
            json.substring(0, json.length() - 2)
                + ",{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
  }

  /** Valid events, a third each as JSON, Avro of the current class and Avro of the new version. */
  private static final class Events {
    private final String topic;
    private final ConfluentAvroCodec<ContentEvent> codec;
    private final Map<String, String> expected;
    private Schema evolved;
    private int evolvedId;
    private int evolvedSent;
    private int n;

    Events(String topic, ConfluentAvroCodec<ContentEvent> codec, Map<String, String> expected) {
      this.topic = topic;
      this.codec = codec;
      this.expected = expected;
    }

    void evolved(Schema schema, int id) {
      this.evolved = schema;
      this.evolvedId = id;
    }

    List<ProducerRecord<byte[], byte[]>> next(int count, Integer withEvolvedId) {
      List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
      for (int i = 0; i < count; i++, n++) {
        String id = "event-" + n;
        String text = "event number " + n;
        expected.put(id, text);
        byte[] value;
        if (n % 3 == 0) {
          value = Samples.jsonContent(id, text);
        } else if (n % 3 == 1 || withEvolvedId == null) {
          value = codec.encode(topic, Samples.content(id, text));
        } else {
          value = evolvedFrame(id, text);
          evolvedSent++;
        }
        out.add(ItStack.record(topic, id, value));
      }
      return out;
    }

    private byte[] evolvedFrame(String id, String text) {
      GenericRecord record = new GenericData.Record(evolved);
      record.put("id", id);
      record.put("text", text);
      record.put("attributes", Map.of());
      record.put("truncated", false);
      record.put("lang", "en");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0);
      out.writeBytes(ByteBuffer.allocate(4).putInt(evolvedId).array());
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      try {
        new GenericDatumWriter<GenericRecord>(evolved).write(record, encoder);
        encoder.flush();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return out.toByteArray();
    }
  }
}
