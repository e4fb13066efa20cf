package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.testing.ActiveLearningJobs;
import dev.sieve.activelearning.testing.ScoredStream;
import dev.sieve.activelearning.testing.ScoredStream.Item;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import dev.sieve.testkit.Upgrades;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrading active-learning-job: stopped with a canonical savepoint in the middle of the scored
 * stream and restored from it (unclaimed state refused), it asks about each event at most once and
 * within its budget across the stop, and the content it kept in the label join before the stop is
 * still there: answers sent after the restore to questions asked before it become labelled examples
 * with the text and embedding of that content, counted in the live accuracy. The demo corpus scored
 * as inference-job would (real MiniLM-int8 embeddings), as in {@link ActiveLearningJobIT}.
 */
class ActiveLearningSavepointIT {

  private static final int EVENTS = 1_280;
  private static final int BEFORE = 640;
  private static final int ANSWERED = 10;
  private static final double BUDGET = 0.05;

  /** LabelSelector's burst: half a priority window's share, at least 2 (window 200). */
  private static final double BURST = Math.max(2, BUDGET * 200 / 2);

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private final ItStack it = new ItStack("al-savepoint-it", METRICS);
  private final ConfluentAvroCodec<ScoredContent> scoredCodec = it.codec(ScoredContent.class);
  private final ConfluentAvroCodec<Label> labelCodec = it.codec(Label.class);

  @Test
  void keepsItsJoinStateAndAsksOnceAcrossAStopWithSavepoint() throws Exception {
    List<Item> items = ScoredStream.shuffled(2).subList(0, EVENTS);
    Map<String, Item> byId = new HashMap<>();
    items.forEach(i -> byId.put(i.id(), i));
    ActiveLearningConfig config =
        ActiveLearningJobs.config(
            it,
            "--budget-fraction",
            Double.toString(BUDGET),
            // No per-minute cap: it refills with wall-clock time, so how many questions a burst of
            // events gets would depend on how fast this machine processes it. The share budget
            // alone, which counts events, bounds the questions below.
            "--requests-per-minute",
            "0",
            "--label-grace",
            "10s");
    ActiveLearningJobs.createTopics(it, config, 2);

    JobClient before =
        ActiveLearningJobs.start(
            StreamExecutionEnvironment.getExecutionEnvironment(), config, "al-savepoint-it");
    sendScored(config, items.subList(0, BEFORE));
    it.awaitCounter(before, "scoredItems", BEFORE / 2); // mid-stream
    await() // with enough questions asked to answer after the restore
        .atMost(ItStack.DEADLINE)
        .until(() -> it.counters(before.getJobID(), ".requests") >= ANSWERED);
    String savepoint = Upgrades.stopWithSavepoint(before);
    List<LabelRequest> askedBefore =
        it.readCommitted(config.requestsTopic(), LabelRequest.class, r -> true);
    List<LabelRequest> toAnswer = askedBefore.stream().limit(ANSWERED).toList();
    assertThat(toAnswer).as("questions asked before the stop").hasSize(ANSWERED);

    JobClient after =
        ActiveLearningJobs.start(Upgrades.restoringFrom(savepoint), config, "al-savepoint-it");
    try {
      sendScored(config, items.subList(BEFORE, EVENTS));
      List<String> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (LabelRequest r : toAnswer) {
        keys.add(r.getContentId());
        values.add(
            labelCodec.encode(
                config.labelsTopic(), label(r.getContentId(), byId.get(r.getContentId()))));
      }
      it.send(config.labelsTopic(), keys, values);
      it.awaitCounter(after, "scoredItems", EVENTS - BEFORE);

      // The join remembered the content of before the stop: text and embedding as it was sent.
      List<LabelledExample> labelled =
          it.readCommitted(
              config.labelledTopic(), LabelledExample.class, after, l -> l.size() >= ANSWERED);
      assertThat(labelled)
          .extracting(LabelledExample::getContentId)
          .containsExactlyInAnyOrderElementsOf(
              toAnswer.stream().map(LabelRequest::getContentId).toList());
      assertThat(labelled)
          .allSatisfy(
              e -> {
                Item item = byId.get(e.getContentId());
                assertThat(e.getText()).isEqualTo(item.text());
                assertThat(e.getLabel()).isEqualTo(item.truth());
                assertThat(e.getEmbedding()).hasSize(item.embedding().length);
                assertThat(e.getEmbedding().get(0)).isEqualTo(item.embedding()[0]);
              });
      List<LiveAccuracy> accuracy =
          it.readCommitted(
              config.accuracyTopic(),
              LiveAccuracy.class,
              after,
              a -> a.stream().anyMatch(x -> x.getLabels() == ANSWERED));
      assertThat(accuracy).extracting(LiveAccuracy::getLabels).doesNotHaveDuplicates();

      // Every question once across the stop, within the budget of the whole stream.
      List<LabelRequest> asked = it.readAll(config.requestsTopic(), LabelRequest.class, after);
      assertThat(asked).extracting(LabelRequest::getContentId).doesNotHaveDuplicates();
      assertThat(asked).hasSizeGreaterThan(askedBefore.size());
      assertThat(asked.size()).isLessThanOrEqualTo((int) (BUDGET * EVENTS + BURST));
      assertThat(it.readAll(config.labelledTopic(), LabelledExample.class, after))
          .hasSize(ANSWERED);
      System.out.printf(
          "AL savepoint: %d requests before the stop, %d in all for %d events (bound %.0f)%n",
          askedBefore.size(), asked.size(), EVENTS, BUDGET * EVENTS + BURST);
    } finally {
      after.cancel().get();
    }
  }

  private void sendScored(ActiveLearningConfig config, List<Item> batch) throws Exception {
    it.send(
        config.scoredTopic(),
        batch.stream().map(Item::id).toList(),
        batch.stream()
            .map(i -> scoredCodec.encode(config.scoredTopic(), ScoredStream.scored(i)))
            .toList());
  }

  private static Label label(String id, Item item) {
    return Label.newBuilder()
        .setContentId(id)
        .setClassifier(ScoredStream.CLASSIFIER)
        .setLabel(item.truth())
        .setLabeler("oracle")
        .setLabeledAtMs(System.currentTimeMillis())
        .build();
  }
}
