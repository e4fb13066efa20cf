package dev.sieve.activelearning.functions;

import static dev.sieve.activelearning.functions.Samples.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.drift.DriftMonitor;
import dev.sieve.learning.selection.LabelSelector;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.UncertaintyMeasure;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CuratorTest {

  private static final int DIM = 8;
  private static final String[] CLASSES = {"ham", "spam"};

  /** Everything asked while the budget allows: a share of 1, no rate limit, no cold start. */
  private static final SelectionConfig ASK_ALL =
      new SelectionConfig(UncertaintyMeasure.MARGIN, 1.0, 0, 0, 0.95, 1.0, 0, 200, 3.0, 100, 42L);

  private KeyedTwoInputStreamOperatorTestHarness<String, ScoredItem, JoinedLabel, LabelRequest>
      harness;

  private void start(SelectionConfig selection, DriftConfig drift) throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new Curator(selection, drift, 100, Duration.ofHours(1)),
            ScoredItem::classifierOf,
            JoinedLabel::classifierOf,
            Types.STRING);
    harness.setProcessingTime(1_000);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aRequestCarriesTheTextGuessScoresClassesAndWhyItWasChosen() throws Exception {
    start(ASK_ALL, DriftConfig.defaults());

    harness.processElement1(new StreamRecord<>(item("c1", 0.4, unit(DIM, 0))));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getContentId()).isEqualTo("c1");
              assertThat(r.getClassifier()).isEqualTo("sms");
              assertThat(r.getText()).isEqualTo("text of c1");
              assertThat(r.getGuess()).isEqualTo("spam");
              assertThat(r.getConfidence()).isEqualTo(0.6);
              assertThat(r.getScores()).containsEntry("ham", 0.4).containsEntry("spam", 0.6);
              assertThat(r.getLabels()).containsExactly("ham", "spam");
              assertThat(r.getModelVersion()).isEqualTo(3);
              assertThat(r.getStrategy()).isEqualTo("margin");
              assertThat(r.getSelectionScore())
                  .isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
              assertThat(r.getRandomShare()).isFalse();
              assertThat(r.getRequestedAtMs()).isEqualTo(1_000);
            });
  }

  @Test
  void aNearDuplicateOfAnAskedTextIsNotAskedAgain() throws Exception {
    start(ASK_ALL, DriftConfig.defaults());

    harness.processElement1(new StreamRecord<>(item("c1", 0.4, unit(DIM, 0))));
    harness.processElement1(new StreamRecord<>(item("c2", 0.45, unit(DIM, 0))));
    harness.processElement1(new StreamRecord<>(item("c3", 0.45, unit(DIM, 1))));

    assertThat(harness.extractOutputValues())
        .extracting(LabelRequest::getContentId)
        .containsExactly("c1", "c3");
  }

  @Test
  void aLabelBecomesALabelledExampleAndCountsForTheVersionThatServedIt() throws Exception {
    start(ASK_ALL.withRandomShare(1.0), DriftConfig.defaults());
    harness.processElement1(new StreamRecord<>(item("c1", 0.4, unit(DIM, 0))));
    harness.processElement1(new StreamRecord<>(item("c2", 0.3, unit(DIM, 1))));
    assertThat(harness.extractOutputValues())
        .allSatisfy(
            r -> {
              assertThat(r.getStrategy()).isEqualTo(LabelSelector.RANDOM);
              assertThat(r.getRandomShare()).isTrue();
            });

    harness.processElement2(new StreamRecord<>(joined("c1", "spam", "spam", 3)));
    harness.processElement2(new StreamRecord<>(joined("c2", "ham", "spam", 3)));
    harness.processElement2(new StreamRecord<>(joined("c9", "ham", "ham", 2))); // never asked

    assertThat(side(Curator.LABELLED))
        .extracting(LabelledExample::getContentId, LabelledExample::getRandomShare)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("c1", true),
            org.assertj.core.groups.Tuple.tuple("c2", true),
            org.assertj.core.groups.Tuple.tuple("c9", false));
    assertThat(side(Curator.LABELLED).get(0).getEmbedding()).hasSize(DIM);
    List<LiveAccuracy> accuracy = side(Curator.ACCURACY);
    assertThat(accuracy).hasSize(3);
    LiveAccuracy v3 = accuracy.get(1);
    assertThat(v3.getModelVersion()).isEqualTo(3);
    assertThat(v3.getLabels()).isEqualTo(2);
    assertThat(v3.getCorrect()).isEqualTo(1);
    assertThat(v3.getAccuracy()).isEqualTo(0.5);
    assertThat(v3.getRandomLabels()).isEqualTo(2);
    assertThat(v3.getUnbiasedAccuracy()).isEqualTo(0.5);
    LiveAccuracy v2 = accuracy.get(2);
    assertThat(v2.getModelVersion()).isEqualTo(2);
    assertThat(v2.getAccuracy()).isEqualTo(1.0);
    assertThat(v2.getRandomLabels()).isZero();
    assertThat(v2.getUnbiasedAccuracy()).isNaN();
  }

  @Test
  void aTopicShiftRaisesOneAlertAndOneRetrainRequest() throws Exception {
    start(ASK_ALL.withBudget(0.01, 0), DriftConfig.defaults().withSizes(20, 20, 1_000));

    for (int i = 0; i < 40; i++) {
      harness.processElement1(new StreamRecord<>(item("a" + i, 0.3, unit(DIM, 0))));
    }
    assertThat(side(Curator.DRIFT)).isEmpty();
    for (int i = 0; i < 40; i++) {
      harness.processElement1(new StreamRecord<>(item("b" + i, 0.3, unit(DIM, 1))));
    }

    assertThat(side(Curator.DRIFT))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getClassifier()).isEqualTo("sms");
              assertThat(a.getDetector()).isEqualTo(DriftMonitor.CENTROID_COSINE);
              assertThat(a.getStatistic()).isGreaterThan(a.getThreshold());
              assertThat(a.getReferenceSize()).isEqualTo(20);
              assertThat(a.getWindowSize()).isEqualTo(20);
              assertThat(a.getModelVersion()).isEqualTo(3);
            });
    assertThat(side(Curator.RETRAIN))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getReason()).isEqualTo("drift");
              assertThat(r.getDetail()).startsWith("centroid-cosine ").contains("after 60 events");
            });
  }

  private <T> List<T> side(OutputTag<T> tag) {
    var queue = harness.getSideOutput(tag);
    return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
  }

  private static ScoredItem item(String id, double ham, float[] embedding) {
    ScoredItem item = new ScoredItem();
    item.contentId = id;
    item.classifier = "sms";
    item.text = "text of " + id;
    item.embeddingModel = "all-minilm-l6-v2-q";
    item.embedding = embedding;
    item.modelVersion = 3;
    item.classes = CLASSES;
    item.scores = new double[] {ham, 1 - ham};
    item.guess = ham >= 0.5 ? "ham" : "spam";
    item.confidence = Math.max(ham, 1 - ham);
    item.scoredAtMs = 500;
    return item;
  }

  private static JoinedLabel joined(String id, String label, String guess, int version) {
    JoinedLabel j = new JoinedLabel();
    j.contentId = id;
    j.classifier = "sms";
    j.text = "text of " + id;
    j.embeddingModel = "all-minilm-l6-v2-q";
    j.embedding = unit(DIM, 7);
    j.label = label;
    j.labeler = "ann";
    j.labeledAtMs = 2_000;
    j.modelVersion = version;
    j.guess = guess;
    return j;
  }
}
