package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.io.ActiveLearningSinks;
import dev.sieve.activelearning.io.ActiveLearningSources;
import dev.sieve.activelearning.testing.ActiveLearningJobs;
import dev.sieve.activelearning.testing.ScoredStream;
import dev.sieve.activelearning.testing.ScoredStream.Item;
import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.faults.Faults;
import dev.sieve.testkit.faults.FaultySink;
import dev.sieve.testkit.faults.FaultySource;
import dev.sieve.testkit.faults.Recovery;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * active-learning-job survives five failures in five places over 5,000 scored events, on the real
 * stack (broker, registry, MiniCluster with RocksDB and 1 s checkpoints, exactly-once): the scored
 * source, the requests sink's writer, the labelled-examples sink's commit, the labels source, and
 * the TaskManager. Each batch of 1,000 events (the demo corpus's real embeddings and scores, under
 * ids of their own) comes with answers for 20 of them. Afterwards every labelled example and every
 * request is in its topic exactly once (read_committed), the requests stay within the budget, and
 * the label join's state survived: a second answer for content labelled before the failures is
 * refused as {@code ALREADY_LABELLED}, not joined again.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class ActiveLearningRecoveryIT {

  private static final int BATCH = 1_000;
  private static final int BATCHES = 5;
  private static final int ANSWERS = 20;
  private static final double BUDGET = 0.05;
  private static final double BURST = Math.max(2, BUDGET * 200 / 2);

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private static List<Item> items;

  private final ItStack it = new ItStack("al-recovery-it", METRICS);
  private final ConfluentAvroCodec<ScoredContent> scoredCodec = it.codec(ScoredContent.class);
  private final ConfluentAvroCodec<Label> labelCodec = it.codec(Label.class);
  private final ConfluentAvroCodec<DeadLetter> deadLetterCodec = it.codec(DeadLetter.class);
  private final String scored = it.prefix() + "scored";
  private final String labels = it.prefix() + "labels";
  private final String requests = it.prefix() + "requests";
  private final String labelled = it.prefix() + "labelled";

  @BeforeAll
  static void scoreTexts() throws Exception {
    items = ScoredStream.shuffled(3);
  }

  @AfterEach
  void disarm() {
    List.of(scored, labels, FaultySink.write(requests), FaultySink.commit(labelled))
        .forEach(Faults::disarm);
  }

  @Test
  void fiveFailuresLoseAndDuplicateNothingAndKeepTheJoinAndBudgetState(
      @InjectMiniCluster MiniCluster flink) throws Exception {
    ActiveLearningConfig config =
        ActiveLearningJobs.config(
            it,
            "--budget-fraction",
            Double.toString(BUDGET),
            "--requests-per-minute",
            "100000",
            "--label-grace",
            "10s");
    ActiveLearningJobs.createTopics(it, config, 2);
    ActiveLearningSinks kafka = ActiveLearningSinks.kafka(config);
    ActiveLearningSinks sinks =
        new ActiveLearningSinks(
            FaultySink.wrap((KafkaSink<LabelRequest>) kafka.requests(), requests),
            FaultySink.wrap((KafkaSink<LabelledExample>) kafka.labelled(), labelled),
            kafka.accuracy(),
            kafka.drift(),
            kafka.retrain(),
            kafka.deadLetters(),
            kafka.driftWindows());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobEnvironment.configure(env, config.common(), config.describe());
    ActiveLearningJob.defineWorkflow(
        env,
        FaultySource.wrap(ActiveLearningSources.scored(config), scored),
        FaultySource.wrap(ActiveLearningSources.labels(config), labels),
        sinks,
        config);
    JobClient job = env.executeAsync("active-learning-recovery-it");
    try {
      ItStack.awaitRunning(job);
      // 1. The scored source fails while it reads the first batch.
      failDuring(job, config, 0, scored, 400);
      // 2. The requests sink's writer fails on the next request.
      failDuring(job, config, 1, FaultySink.write(requests), 0);
      // 3. The labelled-examples sink's commit fails after its checkpoint completed.
      failDuring(job, config, 2, FaultySink.commit(labelled), 0);
      // 4. The labels source fails among the batch's answers.
      failDuring(job, config, 3, labels, ANSWERS / 2);
      // 5. The TaskManager is terminated mid-batch and a new one started.
      long restarts = Recovery.restarts(it, job);
      send(config, 4);
      it.awaitCounter(job, "scoredItems", BATCH / 4);
      Recovery.replaceTaskManager(flink, 0);
      Recovery.awaitRestarted(it, job, restarts + 1);
      awaitLabelled(config, job, BATCHES * ANSWERS);

      // Second answers, with another class, for content answered before the failures.
      List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
      for (int i = 0; i < ANSWERS; i++) {
        Item item = items.get(i);
        String other =
            ScoredStream.CLASSES.stream().filter(c -> !c.equals(item.truth())).findFirst().get();
        again.add(labelRecord(config, id(0, i), other, "second-opinion"));
      }
      it.send(again);
      List<DeadLetter> refused =
          it.readCommitted(
              config.labelsDlqTopic(), DeadLetter.class, job, read -> read.size() >= ANSWERS);
      it.awaitMoreCheckpoints(job, 2); // a late duplicate would be committed by then

      assertThat(refused).extracting(DeadLetter::getReason).containsOnly("ALREADY_LABELLED");
      assertThat(it.readCommittedToEnd(config.labelsDlqTopic())).hasSize(ANSWERS);
      List<LabelledExample> examples =
          it.readCommittedToEnd(config.labelledTopic()).stream()
              .map(r -> it.codec(LabelledExample.class).decode(r.value()))
              .toList();
      List<String> expected = new ArrayList<>();
      for (int b = 0; b < BATCHES; b++) {
        for (int i = 0; i < ANSWERS; i++) {
          expected.add(id(b, i));
        }
      }
      assertThat(examples)
          .extracting(LabelledExample::getContentId)
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(examples).noneMatch(e -> "second-opinion".equals(e.getLabeler()));

      List<String> asked =
          it.readCommittedToEnd(config.requestsTopic()).stream()
              .map(r -> it.codec(LabelRequest.class).decode(r.value()).getContentId())
              .toList();
      System.out.printf(
          "ActiveLearningRecoveryIT: %d requests for %d events (budget %.0f)%n",
          asked.size(), BATCHES * BATCH, BUDGET * BATCHES * BATCH + BURST);
      assertThat(asked).isNotEmpty().doesNotHaveDuplicates();
      assertThat(asked.size()).isLessThanOrEqualTo((int) (BUDGET * BATCHES * BATCH + BURST));

      for (String fault :
          List.of(scored, labels, FaultySink.write(requests), FaultySink.commit(labelled))) {
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
      JobClient job, ActiveLearningConfig config, int batch, String fault, long after)
      throws Exception {
    long restarts = Recovery.restarts(it, job);
    Faults.arm(fault, after);
    send(config, batch);
    Recovery.awaitFired(fault);
    Recovery.awaitRestarted(it, job, restarts + 1);
    awaitLabelled(config, job, (batch + 1) * ANSWERS);
  }

  /** Batch {@code batch}: {@value #BATCH} scored events, then answers for the first 20 of them. */
  private void send(ActiveLearningConfig config, int batch) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String id = id(batch, i);
      ScoredContent content =
          ScoredContent.newBuilder(ScoredStream.scored(items.get(i % items.size())))
              .setContentId(id)
              .build();
      records.add(
          ItStack.record(
              config.scoredTopic(), id, scoredCodec.encode(config.scoredTopic(), content)));
    }
    for (int i = 0; i < ANSWERS; i++) {
      records.add(labelRecord(config, id(batch, i), items.get(i).truth(), "oracle"));
    }
    it.send(records);
  }

  private ProducerRecord<byte[], byte[]> labelRecord(
      ActiveLearningConfig config, String id, String label, String labeler) {
    Label value =
        Label.newBuilder()
            .setContentId(id)
            .setClassifier(ScoredStream.CLASSIFIER)
            .setLabel(label)
            .setLabeler(labeler)
            .setLabeledAtMs(System.currentTimeMillis())
            .build();
    return ItStack.record(config.labelsTopic(), id, labelCodec.encode(config.labelsTopic(), value));
  }

  private static String id(int batch, int i) {
    return "b" + batch + "-" + i;
  }

  private void awaitLabelled(ActiveLearningConfig config, JobClient job, int count) {
    it.readCommitted(
        config.labelledTopic(), LabelledExample.class, job, read -> read.size() >= count);
  }
}
