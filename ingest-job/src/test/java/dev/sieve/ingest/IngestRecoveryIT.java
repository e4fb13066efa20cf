package dev.sieve.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.io.IngestSinks;
import dev.sieve.ingest.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.faults.Faults;
import dev.sieve.testkit.faults.FaultySink;
import dev.sieve.testkit.faults.FaultySource;
import dev.sieve.testkit.faults.Recovery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ingest-job survives five failures in five places, one per batch of a 5,000-event stream, on the
 * real stack (broker, registry, MiniCluster with RocksDB and 1 s checkpoints, exactly-once): the
 * source reader, the content sink's writer, its transaction commit, the dead-letter sink's writer,
 * and the TaskManager itself. Afterwards every event and every dead letter is in its topic exactly
 * once (read_committed), and the dedup state survived: ids replayed after the failures are still
 * dropped. The faults are real exceptions thrown inside the running tasks ({@link Faults}); the
 * five restarts pay the production restart strategy's growing backoff (1+2+4+8+16 s).
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class IngestRecoveryIT {

  private static final int BATCH = 1_000;
  private static final int MALFORMED_PER_BATCH = 10;
  private static final int REPLAYED = 200;
  private static final int LATE = 100;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("ingest-recovery-it", METRICS);
  private final ConfluentAvroCodec<ContentEvent> contentCodec = it.codec(ContentEvent.class);
  private final ConfluentAvroCodec<DeadLetter> deadLetterCodec = it.codec(DeadLetter.class);
  private final String source = it.prefix() + "source";
  private final String content = it.prefix() + "content";
  private final String dlq = it.prefix() + "dlq";

  @AfterEach
  void disarm() {
    List.of(source, FaultySink.write(content), FaultySink.commit(content), FaultySink.write(dlq))
        .forEach(Faults::disarm);
  }

  @Test
  void fiveFailuresInFivePlacesLoseNothingDuplicateNothingAndKeepTheDedupState(
      @InjectMiniCluster MiniCluster flink) throws Exception {
    IngestConfig config = IngestConfig.fromArgs(it.jobArgs());
    it.createTopics(2, config.inputTopic(), config.contentTopic());
    it.createTopics(1, config.dlqTopic());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, config.common(), config.describe());
    IngestJob.defineWorkflow(
        env,
        FaultySource.wrap(KafkaSources.rawRecords(config.common(), config.inputTopic()), source),
        FaultySink.wrap(IngestSinks.content(config), content),
        FaultySink.wrap(IngestSinks.deadLetters(config), dlq),
        config);
    JobClient job = env.executeAsync("ingest-recovery-it");
    try {
      ItStack.awaitRunning(job);
      Set<String> ids = new HashSet<>();

      // 1. The source reader fails while it emits the first batch.
      failDuring(job, config, 0, ids, source, 400);
      // 2. The content sink's writer fails with records in an open transaction.
      failDuring(job, config, 1, ids, FaultySink.write(content), 400);
      // 3. The content sink's commit fails after its checkpoint completed.
      failDuring(job, config, 2, ids, FaultySink.commit(content), 0);
      // 4. The dead-letter sink's writer fails (the source's task, another operator).
      failDuring(job, config, 3, ids, FaultySink.write(dlq), MALFORMED_PER_BATCH / 2);
      // 5. The TaskManager is terminated mid-batch and a new one started.
      ids.addAll(send(config, 4));
      it.awaitCounter(job, "accepted", BATCH / 4);
      Recovery.replaceTaskManager(flink, 0);
      Recovery.awaitRestarted(it, job, 5);
      awaitContent(config, job, ids);

      // Ids seen before the failures, sent again with other text: the restored state drops them.
      List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
      for (int i = 0; i < REPLAYED; i++) {
        String id = id(0, i * 5);
        again.add(ItStack.record(config.inputTopic(), id, Samples.jsonContent(id, "replayed")));
      }
      Set<String> late = new HashSet<>();
      for (int i = 0; i < LATE; i++) {
        String id = "late-" + i;
        late.add(id);
        again.add(ItStack.record(config.inputTopic(), id, Samples.jsonContent(id, "late " + i)));
      }
      it.send(again);
      ids.addAll(late);
      it.awaitCounter(job, "duplicates", REPLAYED);
      awaitContent(config, job, ids);
      it.awaitMoreCheckpoints(job, 2); // a late duplicate would be committed by then

      List<ConsumerRecord<byte[], byte[]>> written = it.readCommittedToEnd(config.contentTopic());
      Map<String, Long> perId =
          written.stream()
              .map(r -> new String(r.key(), StandardCharsets.UTF_8))
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(perId.values()).as("records per id").containsOnly(1L);
      assertThat(written).hasSize(5 * BATCH + LATE);
      assertThat(
              written.stream()
                  .map(r -> contentCodec.decode(r.value()).getText())
                  .filter("replayed"::equals))
          .as("replayed ids are dropped, not written again")
          .isEmpty();
      assertThat(it.counter(job.getJobID(), "duplicates")).isEqualTo(REPLAYED);

      List<String> deadLetterKeys =
          it.readCommittedToEnd(config.dlqTopic()).stream()
              .map(r -> deadLetterCodec.decode(r.value()))
              .map(d -> StandardCharsets.UTF_8.decode(d.getKey()).toString())
              .toList();
      assertThat(deadLetterKeys).hasSize(5 * MALFORMED_PER_BATCH).doesNotHaveDuplicates();

      for (String fault :
          List.of(
              source,
              FaultySink.write(content),
              FaultySink.commit(content),
              FaultySink.write(dlq))) {
        assertThat(Faults.fired(fault)).as(fault).isEqualTo(1);
      }
      assertThat(Recovery.restarts(it, job)).isGreaterThanOrEqualTo(5);
      assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get();
    }
  }

  /** Arms {@code fault}, sends batch {@code batch}, and waits for the failure and the recovery. */
  private void failDuring(
      JobClient job, IngestConfig config, int batch, Set<String> ids, String fault, long after)
      throws Exception {
    long restarts = Recovery.restarts(it, job);
    Faults.arm(fault, after);
    ids.addAll(send(config, batch));
    Recovery.awaitFired(fault);
    Recovery.awaitRestarted(it, job, restarts + 1);
    awaitContent(config, job, ids);
  }

  /** Sends batch {@code batch}: BATCH valid events, then a few malformed records; their ids. */
  private List<String> send(IngestConfig config, int batch) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String id = id(batch, i);
      ids.add(id);
      records.add(ItStack.record(config.inputTopic(), id, Samples.jsonContent(id, "text " + id)));
    }
    for (int i = 0; i < MALFORMED_PER_BATCH; i++) {
      records.add(
          ItStack.record(
              config.inputTopic(), "bad-" + batch + "-" + i, Samples.utf8("{not json " + i)));
    }
    it.send(records);
    return ids;
  }

  private static String id(int batch, int i) {
    return "b" + batch + "-" + i;
  }

  /** Waits until the content topic holds every id of {@code ids} (read_committed). */
  private void awaitContent(IngestConfig config, JobClient job, Set<String> ids) {
    it.readCommittedRecords(
        config.contentTopic(),
        job,
        read ->
            read.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet())
                .containsAll(ids));
  }
}
