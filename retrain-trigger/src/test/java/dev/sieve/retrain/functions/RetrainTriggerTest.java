package dev.sieve.retrain.functions;

import static dev.sieve.retrain.functions.Records.champion;
import static dev.sieve.retrain.functions.Records.example;
import static dev.sieve.retrain.functions.Records.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.learning.training.ChallengerTraining;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ModelVersion;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keyed trigger logic, with a fake training that writes what it saw into the reason. */
class RetrainTriggerTest {

  private static final int EVERY = 10;
  private static final long INTERVAL_MS = 30_000;

  private KeyedOneInputStreamOperatorTestHarness<String, RetrainInput, ModelVersion> harness;

  private void open(boolean publish, int maxExamples) throws Exception {
    open(new FakeTraining(publish), maxExamples);
  }

  private void open(ChallengerTraining training, int maxExamples) throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new RetrainTrigger(
                training,
                EVERY,
                INTERVAL_MS,
                maxExamples,
                Records.KEY.trusted(),
                ModelBounds.defaults()),
            RetrainInput::classifierOf,
            Types.STRING);
    harness.setProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  /** Alternately ham and spam, ids {@code <prefix>00}…, labelled at {@code t0}, t0 + 1, … */
  private void labels(String prefix, int count, long t0) throws Exception {
    for (int i = 0; i < count; i++) {
      harness.processElement(
          example(String.format("%s%02d", prefix, i), i % 2 == 0 ? "ham" : "spam", t0 + i), 0);
    }
  }

  private List<String> reasons() {
    return harness.extractOutputValues().stream().map(ModelVersion::getReason).toList();
  }

  @Test
  void trainsOnceAfterEveryNNewLabels() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);

    labels("a", EVERY - 1, 0);
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.processElement(example("b00", "spam", 100), 0);

    assertThat(reasons()).containsExactly("new-labels|10|a00|ham,spam|[5, 5]");
    assertThat(harness.extractOutputValues().get(0).getVersion()).isEqualTo(2);
    assertThat(harness.extractOutputValues().get(0).getParentVersion()).isEqualTo(1);
  }

  @Test
  void aRequestInsideTheIntervalIsServedByTheTimerOnce() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    labels("a", EVERY, 0); // trains at t = 0

    harness.setProcessingTime(1_000);
    harness.processElement(request("manual"), 0);
    harness.processElement(request("drift"), 0);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(INTERVAL_MS - 1);
    assertThat(harness.extractOutputValues()).hasSize(1);
    harness.setProcessingTime(INTERVAL_MS);

    assertThat(reasons()).hasSize(2).last().asString().startsWith("drift|10|");
    assertThat(harness.extractOutputValues().get(1).getVersion()).isEqualTo(3);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void labelsInsideTheIntervalWaitForItAndARequestAfterItTrainsAtOnce() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    labels("a", EVERY, 0);
    harness.setProcessingTime(5_000);
    labels("b", EVERY, 5_000);
    assertThat(harness.extractOutputValues()).hasSize(1);

    harness.setProcessingTime(INTERVAL_MS);
    assertThat(reasons())
        .hasSize(2)
        .last()
        .asString()
        .isEqualTo("new-labels|20|a00|ham,spam|[10, 10]");

    harness.setProcessingTime(2 * INTERVAL_MS + 1);
    harness.processElement(request("manual"), 0);
    assertThat(reasons()).hasSize(3).last().asString().startsWith("manual|20|");
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void keepsOneExamplePerContentIdTheLatestLabelWinning() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    labels("a", 12, 1_000); // 6 ham, 6 spam
    harness.processElement(example("a00", "spam", 5_000), 0); // a correction: counts as a label
    harness.processElement(example("a01", "ham", 10), 0); // stale: older than the label kept

    harness.setProcessingTime(INTERVAL_MS);
    harness.processElement(request("manual"), 0);

    // 12 examples, not 14; a00 is spam now, and a01 stayed spam.
    assertThat(reasons()).last().asString().isEqualTo("manual|12|a00|ham,spam|[5, 7]");
  }

  @Test
  void keepsAtMostMaxExamplesEvictingTheOldestLabels() throws Exception {
    open(true, 10);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    // e00 oldest … e11 newest; the 11th evicts a tenth of the cap + 1 (e00, e01), the 12th fits.
    labels("e", 12, 0);

    harness.setProcessingTime(INTERVAL_MS);
    harness.processElement(request("manual"), 0);

    assertThat(reasons()).last().asString().isEqualTo("manual|10|e02|ham,spam|[5, 5]");
  }

  /** Publishes every challenger, saying how many examples arrived after the champion was made. */
  private static final class ReceiptTraining implements ChallengerTraining {
    private static final long serialVersionUID = 1L;

    @Override
    public Result train(LabelledSet set, ModelVersion champion, String trigger, long nowMs) {
      int fresh = set.receivedAfter(champion.getCreatedAtMs()).length;
      return new Result(
          ModelVersion.newBuilder(champion)
              .setVersion(champion.getVersion() + 1)
              .setParentVersion(champion.getVersion())
              .setReason(fresh + " of " + set.size() + " received after the champion")
              .setCreatedAtMs(nowMs)
              .build(),
          "better");
    }
  }

  @Test
  void eachExampleCarriesWhenTheJobReceivedItNotWhenItWasLabelled() throws Exception {
    open(new ReceiptTraining(), 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0); // created at 0
    harness.setProcessingTime(1_000);
    labels("a", EVERY, 0); // labelled at 0..9 ms, received at 1 s: trains, version 2 at 1 s
    harness.setProcessingTime(1_000 + INTERVAL_MS);
    labels("b", EVERY, 0); // labelled as early, received after version 2
    harness.setProcessingTime(1_000 + 2 * INTERVAL_MS);
    harness.processElement(request("manual"), 0); // nothing since version 3

    assertThat(reasons())
        .containsExactly(
            "10 of 10 received after the champion",
            "10 of 20 received after the champion",
            "0 of 20 received after the champion");
  }

  @Test
  void keepsExamplesButDoesNotTrainBeforeAChampionThenServesTheWaitingTrigger() throws Exception {
    open(true, 1_000);
    labels("a", EVERY, 0);
    harness.processElement(request("manual"), 0);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processElement(RetrainInput.model(champion(4)), 0);

    assertThat(reasons()).containsExactly("manual|10|a00|ham,spam|[5, 5]");
    assertThat(harness.extractOutputValues().get(0).getVersion()).isEqualTo(5);
  }

  @Test
  void aPublishedVersionIsTheChampionAtOnceAndItsCopyFromTheTopicIsIgnored() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    labels("a", EVERY, 0);
    ModelVersion v2 = harness.extractOutputValues().get(0);

    harness.processElement(RetrainInput.model(v2), 0); // read back from sieve.models
    harness.processElement(RetrainInput.model(champion(1)), 0); // an older one
    harness.setProcessingTime(INTERVAL_MS);
    harness.processElement(request("manual"), 0);

    List<ModelVersion> out = harness.extractOutputValues();
    assertThat(out).extracting(ModelVersion::getVersion).containsExactly(2, 3);
    assertThat(out.get(1).getParentVersion()).isEqualTo(2);
  }

  @Test
  void anUnverifiedChampionIsIgnoredWithAnAlertAndTheVerifiedOneStaysChampion() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    ModelVersion forged = champion(7);
    forged.setLabels(List.of("spam", "ham")); // head, digest and signature kept
    ModelVersion otherKey =
        ModelVersions.signed(ModelVersion.newBuilder(champion(8)), SigningKey.generate());

    harness.processElement(RetrainInput.model(forged), 0);
    harness.processElement(RetrainInput.model(otherKey), 0);
    labels("a", EVERY, 0);

    assertThat(harness.getSideOutput(RetrainTrigger.ALERTS))
        .extracting(r -> r.getValue().getReason() + " v" + r.getValue().getVersion())
        .containsExactly("RELABELLED v7", "UNKNOWN_KEY v8");
    assertThat(harness.getSideOutput(RetrainTrigger.ALERTS))
        .allSatisfy(r -> assertThat(r.getValue().getServingVersion()).isEqualTo(1));
    // trained on champion 1: version 2, labels in champion 1's order
    assertThat(harness.extractOutputValues())
        .extracting(ModelVersion::getVersion)
        .containsExactly(2);
    assertThat(harness.extractOutputValues().get(0).getLabels()).containsExactly("ham", "spam");
  }

  @Test
  void aNewClassExtendsTheChampionsLabelSet() throws Exception {
    open(true, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    labels("a", EVERY, 0);
    harness.setProcessingTime(INTERVAL_MS);
    for (int i = 0; i < 5; i++) {
      harness.processElement(example("o" + i, "other", 100 + i), 0);
    }
    harness.processElement(request("manual"), 0);

    assertThat(reasons()).last().asString().isEqualTo("manual|15|a00|ham,spam,other|[5, 5, 5]");
  }

  @Test
  void aClassWithTooFewExamplesSkipsTheTrainingAndAnUnpublishedChallengerChangesNothing()
      throws Exception {
    open(false, 1_000);
    harness.processElement(RetrainInput.model(champion(1)), 0);
    labels("a", 4, 0);
    harness.processElement(request("manual"), 0); // 2 ham, 2 spam: skipped
    harness.setProcessingTime(INTERVAL_MS);
    labels("b", EVERY, 10); // trains, not published

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }
}
