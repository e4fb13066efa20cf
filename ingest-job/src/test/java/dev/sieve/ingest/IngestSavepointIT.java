package dev.sieve.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.io.IngestSinks;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.testkit.Feeder;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.Upgrades;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrading ingest-job: stopped with a canonical savepoint while content keeps arriving, restored
 * from it (unclaimed state not allowed), it writes every event exactly once across the stop, and it
 * still remembers the ids it saw before the stop: repeats sent after the restore are dropped.
 */
class IngestSavepointIT {

  private static final int REPEATS = 100;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("ingest-savepoint-it", METRICS);

  @Test
  void restoresFromASavepointMidStreamWithoutLosingDuplicatingOrForgetting() throws Exception {
    IngestConfig config = IngestConfig.fromArgs(it.jobArgs());
    it.createTopics(2, config.inputTopic(), config.contentTopic());
    it.createTopics(1, config.dlqTopic());

    Feeder feeder =
        Feeder.start(
            it,
            Duration.ofMillis(20),
            i -> ItStack.record(config.inputTopic(), id(i), json(id(i), "event " + i)));
    JobClient before = start(StreamExecutionEnvironment.getExecutionEnvironment(), config);

    // Mid-stream: the job has written some events, the feeder keeps sending.
    it.awaitCounter(before, "accepted", 200);
    String savepoint = Upgrades.stopWithSavepoint(before);
    int sentAtStop = feeder.sent();
    // What the stopped job wrote (its last transaction committed with the savepoint).
    List<String> writtenBefore = ids(it.readCommittedToEnd(config.contentTopic()));
    assertThat(writtenBefore).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(200);
    int acceptedBefore = writtenBefore.size();

    // A jar without the dedup operator and the sinks cannot claim their state: it is refused.
    JobClient dropping = startWithoutDeduplication(Upgrades.restoringFrom(savepoint), config);
    assertThatThrownBy(
            () ->
                dropping
                    .getJobExecutionResult()
                    .get(ItStack.DEADLINE.toSeconds(), TimeUnit.SECONDS))
        .hasStackTraceContaining("Cannot map checkpoint/savepoint state for operator");

    JobClient after = start(Upgrades.restoringFrom(savepoint), config);
    try {
      // Ids the job wrote before the stop, sent again: the restored dedup state drops them. The
      // restored job writes exactly what the stopped one had not.
      List<String> repeated = writtenBefore.subList(0, REPEATS);
      List<byte[]> values = new ArrayList<>();
      repeated.forEach(id -> values.add(json(id, "repeat of " + id)));
      it.send(config.inputTopic(), repeated, values);
      it.awaitCounter(after, "accepted", 100);
      int total = feeder.stop();
      assertThat(total).as("events sent while the job was stopped").isGreaterThan(sentAtStop);

      it.awaitCounter(after, "accepted", total - acceptedBefore);
      it.awaitCounter(after, "duplicates", REPEATS);
      List<String> written = new ArrayList<>();
      it.readAll(config.contentTopic(), ContentEvent.class, after)
          .forEach(e -> written.add(e.getId()));

      Set<String> expected = new HashSet<>();
      for (int i = 0; i < total; i++) {
        expected.add(id(i));
      }
      assertThat(written).doesNotHaveDuplicates().hasSize(total);
      assertThat(new HashSet<>(written)).isEqualTo(expected);
      assertThat(it.counter(after.getJobID(), "accepted")).isEqualTo(total - acceptedBefore);
      assertThat(it.counter(after.getJobID(), "duplicates")).isEqualTo(REPEATS);
      System.out.printf(
          "INGEST savepoint: %d written before the stop, %d sent by then, %d in all%n",
          acceptedBefore, sentAtStop, total);
    } finally {
      after.cancel().get();
    }
  }

  private static JobClient start(StreamExecutionEnvironment env, IngestConfig config)
      throws Exception {
    env.setParallelism(2);
    JobEnvironment.configure(env, config.common(), config.describe());
    IngestJob.defineWorkflow(
        env,
        KafkaSources.rawRecords(config.common(), config.inputTopic()),
        IngestSinks.content(config),
        IngestSinks.deadLetters(config),
        config);
    JobClient job = env.executeAsync("ingest-savepoint-it");
    ItStack.awaitRunning(job);
    return job;
  }

  /** A job that reads what ingest-job reads and drops it: no operator for the dedup state. */
  private static JobClient startWithoutDeduplication(
      StreamExecutionEnvironment env, IngestConfig config) throws Exception {
    JobEnvironment.configure(env, config.common(), config.describe());
    env.fromSource(
            KafkaSources.rawRecords(config.common(), config.inputTopic()),
            WatermarkStrategy.noWatermarks(),
            "Read content.raw",
            Types.POJO(KafkaRawRecord.class))
        .uid("content-raw-source")
        .sinkTo(new DiscardingSink<>())
        .uid("discard");
    return env.executeAsync("ingest-savepoint-it-without-dedup");
  }

  private static String id(int i) {
    return "content-" + i;
  }

  private static byte[] json(String id, String text) {
    return ("{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(new String(r.key(), StandardCharsets.UTF_8)));
    return out;
  }
}
