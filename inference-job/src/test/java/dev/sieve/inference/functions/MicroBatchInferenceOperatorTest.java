package dev.sieve.inference.functions;

import static dev.sieve.inference.testing.Samples.SPAM;
import static dev.sieve.inference.testing.Samples.TOXIC;
import static dev.sieve.inference.testing.Samples.accepted;
import static dev.sieve.inference.testing.Samples.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sieve.inference.testing.FakeRuntime;
import dev.sieve.inference.testing.Samples;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The micro-batch inference operator in Flink's harness, with a plain-Java model runtime. */
class MicroBatchInferenceOperatorTest {

  private static final int MAX_BATCH = 3;
  private static final long MAX_WAIT_MS = 10;

  private FakeRuntime runtime = new FakeRuntime();
  private TwoInputStreamOperatorTestHarness<ContentEvent, ModelUpdate, Prediction> harness;

  @AfterEach
  void closeHarness() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void scoresABatchAsSoonAsItIsFullWithOneEmbeddingCall() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 1, 0.2)), 0);

    harness.processElement1(content("c1", "one"), 0);
    harness.processElement1(content("c2", "two"), 0);
    assertThat(predictions()).isEmpty();
    harness.processElement1(content("c3", "three"), 0);

    assertThat(predictions())
        .extracting(Prediction::getContentId, Prediction::getClassifier, Prediction::getLabel)
        .containsExactly(
            tuple("c1", SPAM, "yes"), tuple("c1", TOXIC, "no"),
            tuple("c2", SPAM, "yes"), tuple("c2", TOXIC, "no"),
            tuple("c3", SPAM, "yes"), tuple("c3", TOXIC, "no"));
    assertThat(predictions().get(0).getConfidence()).isCloseTo(0.9, within());
    assertThat(predictions().get(0).getScores()).containsOnlyKeys("yes", "no");
    assertThat(runtime.embedCalls).containsExactly(List.of("one", "two", "three"));
    List<ScoredContent> scored = scored();
    assertThat(scored).extracting(ScoredContent::getContentId).containsExactly("c1", "c2", "c3");
    assertThat(scored.get(2).getEmbedding()).containsExactly(5f, 1f);
    assertThat(scored.get(2).getEmbeddingModel()).isEqualTo("fake-embedder");
    assertThat(scored.get(2).getClassifiers()).containsOnlyKeys(SPAM, TOXIC);
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
  }

  @Test
  void emitsEachSubBatchAsSoonAsItIsScoredNotAfterTheWholeBatch() throws Exception {
    List<Integer> emittedBeforeEachCall = new ArrayList<>();
    runtime.beforeEmbed = () -> emittedBeforeEachCall.add(predictions().size());
    harness = open(new MicroBatchInferenceOperator(runtime, MAX_BATCH, MAX_WAIT_MS, 100, 1, false));
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);

    harness.processElement1(content("c1", "one"), 0);
    harness.processElement1(content("c2", "two"), 0);
    assertThat(predictions()).isEmpty();
    harness.processElement1(content("c3", "three"), 0);

    assertThat(runtime.embedCalls)
        .containsExactly(List.of("one"), List.of("two"), List.of("three"));
    // c1 left before c2 was embedded, and c2 before c3
    assertThat(emittedBeforeEachCall).containsExactly(0, 1, 2);
    assertThat(predictions())
        .extracting(Prediction::getContentId)
        .containsExactly("c1", "c2", "c3");
    assertThat(scored()).extracting(ScoredContent::getContentId).containsExactly("c1", "c2", "c3");
  }

  @Test
  void subBatchesHoldTextsOfSimilarLength() throws Exception {
    harness = open(new MicroBatchInferenceOperator(runtime, MAX_BATCH, MAX_WAIT_MS, 100, 2, false));
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);

    harness.processElement1(content("c1", "a long text"), 0);
    harness.processElement1(content("c2", "short"), 0);
    harness.processElement1(content("c3", "shorter"), 0);

    assertThat(runtime.embedCalls)
        .containsExactly(List.of("short", "shorter"), List.of("a long text"));
    assertThat(predictions())
        .extracting(Prediction::getContentId)
        .containsExactly("c2", "c3", "c1");
  }

  @Test
  void atLowLoadTheJobsOperatorScoresEachEventTheMomentItArrives() throws Exception {
    harness = open(MicroBatchInferenceOperator.latencyAware(runtime, MAX_BATCH, MAX_WAIT_MS, 1));
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);

    for (int i = 0; i < 10; i++) { // one event every 100 ms: far less than one per max wait
      harness.setProcessingTime(1_000 + 100L * i);
      harness.processElement1(content("c" + i, "text " + i), 0);
      assertThat(predictions()).hasSize(i + 1);
      assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
    }
    assertThat(predictions()).extracting(Prediction::getLatencyMs).containsOnly(0L);
  }

  @Test
  void underHighLoadTheJobsOperatorBatchesUpToTheMaximum() throws Exception {
    harness = open(MicroBatchInferenceOperator.latencyAware(runtime, MAX_BATCH, MAX_WAIT_MS, 1));
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);

    // one event a millisecond, ten per max wait, for more than one measurement window
    long t = 1_000;
    int sent = 0;
    for (; t <= 1_000 + AdaptiveBatchSize.WINDOW_MS; t++) {
      harness.setProcessingTime(t);
      harness.processElement1(content("c" + sent, "text"), 0);
      sent++;
    }
    harness.setProcessingTime(t + MAX_WAIT_MS); // the timer scores what is pending
    int scored = predictions().size();
    assertThat(scored).isEqualTo(sent);
    harness.processElement1(content("late-1", "text"), 0);
    harness.processElement1(content("late-2", "text"), 0);
    assertThat(predictions()).hasSize(scored); // waiting for a batch of MAX_BATCH
    harness.processElement1(content("late-3", "text"), 0);
    assertThat(predictions()).hasSize(scored + 3);
    harness.endInput1();
    harness.endInput2();
    harness.close();
    assertThat(predictions()).hasSize(sent + 3); // every event once, whatever the batch size
  }

  @Test
  void scoresAnIncompleteBatchWhenItsFirstEventHasWaitedMaxWait() throws Exception {
    harness = open(runtime, null);
    harness.setProcessingTime(1_000);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement1(content("c1", "one"), 0);
    harness.setProcessingTime(1_004);
    harness.processElement1(content("c2", "two"), 0);

    harness.setProcessingTime(1_000 + MAX_WAIT_MS - 1);
    assertThat(predictions()).isEmpty();
    harness.setProcessingTime(1_000 + MAX_WAIT_MS);

    assertThat(predictions())
        .extracting(
            Prediction::getContentId, Prediction::getLatencyMs, Prediction::getPredictedAtMs)
        .containsExactly(tuple("c1", 10L, 1_010L), tuple("c2", 6L, 1_010L));
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
  }

  @Test
  void scoresThePendingBatchBeforeTheCheckpointBarrierSoNothingBufferedIsCheckpointed()
      throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement1(content("c1", "one"), 0);
    harness.processElement1(content("c2", "two"), 0);

    harness.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);

    assertThat(predictions()).extracting(Prediction::getContentId).containsExactly("c1", "c2");
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
    // A restore from that checkpoint has nothing left to emit: no event is scored twice.
    harness.close();
    harness = open(new FakeRuntime(), snapshot);
    harness.setProcessingTime(1_000_000);
    harness.endInput1();
    harness.endInput2();
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void swapsAVersionOnlyBetweenBatches() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement1(content("c1", "one"), 0);
    harness.processElement1(content("c2", "two"), 0);

    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3)), 0);
    // The events that waited for v1 were scored with v1 before the swap, in their own batch.
    assertThat(predictions())
        .extracting(Prediction::getContentId, Prediction::getModelVersion, Prediction::getLabel)
        .containsExactly(tuple("c1", 1, "yes"), tuple("c2", 1, "yes"));
    assertThat(runtime.headsClosed).hasValue(1);

    harness.processElement1(content("c3", "three"), 0);
    harness.prepareSnapshotPreBarrier(1);
    assertThat(predictions())
        .extracting(Prediction::getContentId, Prediction::getModelVersion, Prediction::getLabel)
        .endsWith(tuple("c3", 2, "no"));
    assertThat(runtime.embedCalls).containsExactly(List.of("one", "two"), List.of("three"));
  }

  @Test
  void aRefusedVersionRaisesAnAlertAndTheOldVersionKeepsServing() throws Exception {
    harness = open(runtime, null);
    harness.setProcessingTime(5_000);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(
        ModelUpdate.of(
            Samples.version(SPAM, 2, FakeRuntime.head(0.1, 0.9)).setSignature(null).build()),
        0);
    harness.processElement2(
        ModelUpdate.of(
            Samples.version(SPAM, 3, FakeRuntime.head(0.1, 0.9)).setSignature("forged").build()),
        0);
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 1, 0.5)), 0); // still accepts others

    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(1);

    assertThat(alerts())
        .extracting(
            ModelAlert::getClassifier,
            ModelAlert::getVersion,
            ModelAlert::getReason,
            ModelAlert::getServingVersion,
            ModelAlert::getSubtask,
            ModelAlert::getDetectedAtMs)
        .containsExactly(
            tuple(SPAM, 2, "UNSIGNED", 1, 0, 5_000L),
            tuple(SPAM, 3, "BAD_SIGNATURE", 1, 0, 5_000L));
    assertThat(alerts()).allSatisfy(a -> assertThat(a.getMessage()).isNotBlank());
    assertThat(predictions())
        .extracting(Prediction::getClassifier, Prediction::getModelVersion)
        .containsExactly(tuple(SPAM, 1), tuple(TOXIC, 1));
  }

  @Test
  void aRefusalWithNothingServingSaysSoAndTheClassifierStaysSilent() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(
        ModelUpdate.of(Samples.version(SPAM, 1, FakeRuntime.head(0.5, 0.2, 0.3)).build()),
        0); // 3 for 2 labels

    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(1);

    assertThat(alerts())
        .extracting(ModelAlert::getReason, ModelAlert::getServingVersion)
        .containsExactly(tuple("LABEL_COUNT_MISMATCH", null));
    assertThat(predictions()).isEmpty();
    assertThat(scored()).extracting(ScoredContent::getContentId).containsExactly("c1");
  }

  @Test
  void ignoresVersionsAtOrBelowTheServingOneButLetsAHigherRollbackThrough() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3)), 0);
    int validated = runtime.validations.get();

    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0); // replay of the topic
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3)), 0); // duplicate
    assertThat(runtime.validations).hasValue(validated);

    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(1);
    harness.processElement2(
        ModelUpdate.of(
            Samples.version(SPAM, 3, FakeRuntime.head(0.9, 0.1)).setReason("rollback").build()),
        0);
    harness.processElement1(content("c2", "two"), 0);
    harness.prepareSnapshotPreBarrier(2);

    assertThat(predictions())
        .extracting(Prediction::getContentId, Prediction::getModelVersion, Prediction::getLabel)
        .containsExactly(tuple("c1", 2, "no"), tuple("c2", 3, "yes"));
    assertThat(alerts()).isEmpty();
  }

  @Test
  void aRestoreBringsTheAcceptedVersionsBackWithoutTheModelStream() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3)), 0);
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 4, 0.8)), 0);
    harness.processElement2(
        ModelUpdate.of(
            Samples.version(TOXIC, 5, FakeRuntime.head(0.1, 0.9)).setSignature(null).build()),
        0);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();
    assertThat(runtime.released).hasValue(runtime.acquired.get());

    FakeRuntime restoredRuntime = new FakeRuntime();
    harness = open(restoredRuntime, snapshot);
    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(2);

    assertThat(predictions())
        .extracting(Prediction::getClassifier, Prediction::getModelVersion, Prediction::getLabel)
        .containsExactly(tuple(SPAM, 2, "no"), tuple(TOXIC, 4, "yes"));
    assertThat(restoredRuntime.validations).hasValue(2); // re-validated, from state alone
    assertThat(alerts()).isEmpty();

    // A replay of an old version after the restore is ignored, not re-validated.
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3)), 0);
    assertThat(restoredRuntime.validations).hasValue(2);
  }

  @Test
  void everySubtaskGetsTheAcceptedVersionsWhenTheJobScalesOut() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 7, 0.9)), 0);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();

    for (int subtask = 0; subtask < 2; subtask++) {
      OperatorSubtaskState part =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, subtask);
      try (var scaled = harness(new FakeRuntime(), 2, subtask)) {
        scaled.initializeState(part);
        scaled.open();
        scaled.processElement2(ModelUpdate.caughtUp(), 0);
        scaled.processElement1(content("c" + subtask, "text"), 0);
        scaled.prepareSnapshotPreBarrier(2);
        assertThat(scaled.extractOutputValues())
            .extracting(Prediction::getModelVersion)
            .containsExactly(7);
      }
    }
    harness = null;
  }

  @Test
  void aRestoredVersionTheNewKeyRefusesIsAlertedAndNotServed() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();

    harness = open(new FakeRuntime("rotated-key"), snapshot);
    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(2);

    assertThat(alerts())
        .extracting(ModelAlert::getClassifier, ModelAlert::getVersion, ModelAlert::getReason)
        .containsExactly(tuple(SPAM, 1, "BAD_SIGNATURE"));
    assertThat(predictions()).isEmpty();
  }

  @Test
  void scoresWhatIsLeftAtEndOfInputAndReleasesTheModelOnClose() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement1(new StreamRecord<>(content("c1", "one"), 42L));
    harness.endInput1();
    harness.endInput2();
    harness.getOperator().finish();

    assertThat(harness.extractOutputStreamRecords())
        .extracting(StreamRecord::getTimestamp)
        .containsExactly(42L); // the content's Kafka timestamp carries over
    harness.close();
    harness = null;
    assertThat(runtime.acquired).hasValue(1);
    assertThat(runtime.released).hasValue(1);
    assertThat(runtime.headsClosed).hasValue(1);
  }

  // ---------------------------------------------------------------- several embedding networks

  @Test
  void loadsANetworkWhenAnAcceptedVersionNeedsItAndReleasesItWhenNoneDoes() throws Exception {
    harness = open(runtime, null);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.PRIMARY); // always held
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.PRIMARY);

    // A refused version on the other network loads nothing.
    harness.processElement2(
        ModelUpdate.of(
            Samples.version(TOXIC, 1, FakeRuntime.head(0.2, 0.8))
                .setEmbeddingModelId(FakeRuntime.OTHER)
                .setEmbeddingModelDigest(FakeRuntime.OTHER + "-digest")
                .setSignature("forged")
                .build()),
        0);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.PRIMARY);

    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 2, 0.2, FakeRuntime.OTHER)), 0);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.OTHER, FakeRuntime.PRIMARY);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.7, FakeRuntime.OTHER)), 0);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.OTHER, FakeRuntime.PRIMARY);
    assertThat(runtime.held.get(FakeRuntime.OTHER)).hasValue(1); // one reference per subtask

    // Toxic moves back to the primary network; spam still reads the other one.
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 3, 0.2)), 0);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.OTHER, FakeRuntime.PRIMARY);
    // Spam moves back too: no served version reads the other network any more.
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 3, 0.7)), 0);
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.PRIMARY);

    harness.close();
    harness = null;
    assertThat(runtime.loaded()).isEmpty();
    assertThat(runtime.released).hasValue(runtime.acquired.get());
  }

  @Test
  void swapsAClassifierToAnotherNetworkBetweenBatchesAndEmbedsOncePerNetwork() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 1, 0.8)), 0);
    harness.processElement1(content("c1", "one"), 0);

    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3, FakeRuntime.OTHER)), 0);
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 2, 0.4, FakeRuntime.OTHER)), 0);
    harness.processElement1(content("c2", "two"), 0);
    harness.processElement1(content("c3", "three"), 0);
    harness.prepareSnapshotPreBarrier(1);

    assertThat(predictions())
        .extracting(
            Prediction::getContentId, Prediction::getClassifier, Prediction::getModelVersion)
        .containsExactly(
            tuple("c1", SPAM, 1), tuple("c1", TOXIC, 1),
            tuple("c2", SPAM, 2), tuple("c2", TOXIC, 2),
            tuple("c3", SPAM, 2), tuple("c3", TOXIC, 2));
    // c1 before the swap: the primary network only. After it: the primary network (for
    // ScoredContent) and the other one once for both classifiers.
    assertThat(runtime.embedCallsByNetwork)
        .containsExactly(
            java.util.Map.entry(FakeRuntime.PRIMARY, List.of("one")),
            java.util.Map.entry(FakeRuntime.PRIMARY, List.of("two", "three")),
            java.util.Map.entry(FakeRuntime.OTHER, List.of("two", "three")));
    assertThat(scored())
        .allSatisfy(s -> assertThat(s.getEmbeddingModel()).isEqualTo(FakeRuntime.PRIMARY));
    assertThat(alerts()).isEmpty();
  }

  @Test
  void aVersionOnAnUnknownOrUnloadableNetworkIsAlertedAndTheOldVersionKeepsServing()
      throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.1, "no-such-network")), 0);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 3, 0.1, FakeRuntime.BROKEN)), 0);
    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(1);

    assertThat(alerts())
        .extracting(ModelAlert::getVersion, ModelAlert::getReason, ModelAlert::getServingVersion)
        .containsExactly(tuple(2, "EMBEDDING_MISMATCH", 1), tuple(3, "EMBEDDING_UNAVAILABLE", 1));
    assertThat(alerts().get(1).getMessage())
        .contains("cannot load embedding network " + FakeRuntime.BROKEN);
    assertThat(runtime.headsClosed).hasValue(1); // the unloadable network's head
    assertThat(predictions())
        .extracting(Prediction::getModelVersion, Prediction::getLabel)
        .containsExactly(tuple(1, "yes"));
    assertThat(runtime.loaded()).containsExactly(FakeRuntime.PRIMARY);
  }

  @Test
  void aRestoreLoadsTheNetworksTheRestoredVersionsRead() throws Exception {
    harness = open(runtime, null);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9, FakeRuntime.OTHER)), 0);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();
    assertThat(runtime.loaded()).isEmpty();

    FakeRuntime restoredRuntime = new FakeRuntime();
    harness = open(restoredRuntime, snapshot);
    assertThat(restoredRuntime.loaded()).containsExactly(FakeRuntime.OTHER, FakeRuntime.PRIMARY);
    harness.processElement1(content("c1", "one"), 0);
    harness.prepareSnapshotPreBarrier(2);

    assertThat(predictions())
        .extracting(Prediction::getModelVersion, Prediction::getLabel)
        .containsExactly(tuple(1, "yes"));
  }

  // ---------------------------------------------------------------- catch-up at the start

  @Test
  void holdsContentUntilTheModelStreamHasCaughtUpThenScoresItWithTheCurrentVersions()
      throws Exception {
    harness = openWaiting(runtime, null, MicroBatchInferenceOperator.DEFAULT_MAX_HELD);
    harness.setProcessingTime(1_000);
    // Content overtakes the model stream: more than a full batch, and the batch timer elapses.
    for (int i = 1; i <= 4; i++) {
      harness.processElement1(content("c" + i, "text " + i), 0);
    }
    harness.setProcessingTime(1_000 + 10 * MAX_WAIT_MS);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 2, 0.3)), 0);
    harness.processElement2(ModelUpdate.of(accepted(TOXIC, 1, 0.8)), 0);
    assertThat(predictions()).isEmpty();
    assertThat(scored()).isEmpty();
    assertThat(runtime.embedCalls).isEmpty();

    harness.setProcessingTime(1_500);
    harness.processElement2(ModelUpdate.caughtUp(), 0);

    // Every held event, once per classifier, with the versions current at the catch-up.
    assertThat(predictions())
        .extracting(
            Prediction::getContentId, Prediction::getClassifier, Prediction::getModelVersion)
        .containsExactly(
            tuple("c1", SPAM, 2), tuple("c1", TOXIC, 1),
            tuple("c2", SPAM, 2), tuple("c2", TOXIC, 1),
            tuple("c3", SPAM, 2), tuple("c3", TOXIC, 1),
            tuple("c4", SPAM, 2), tuple("c4", TOXIC, 1));
    assertThat(predictions().get(0).getLatencyMs()).isEqualTo(500L); // the wait counts
    assertThat(runtime.embedCalls)
        .containsExactly(
            List.of("text 1", "text 2", "text 3"), List.of("text 4")); // still micro-batched
    // From now on content flows as usual.
    harness.processElement1(content("c5", "text 5"), 0);
    harness.prepareSnapshotPreBarrier(1);
    assertThat(predictions()).hasSize(10);
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
  }

  @Test
  void eventsHeldAcrossACheckpointAreInStateAndScoredOnceAfterTheRestore() throws Exception {
    harness = openWaiting(runtime, null, MicroBatchInferenceOperator.DEFAULT_MAX_HELD);
    harness.processElement1(new StreamRecord<>(content("c1", "one"), 42L));
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);

    harness.prepareSnapshotPreBarrier(1); // not caught up: nothing may be scored yet
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    assertThat(predictions()).isEmpty();
    harness.close();

    harness =
        openWaiting(new FakeRuntime(), snapshot, MicroBatchInferenceOperator.DEFAULT_MAX_HELD);
    harness.processElement1(content("c2", "two"), 0);
    assertThat(predictions()).isEmpty(); // a restored operator waits for the marker again
    harness.processElement2(ModelUpdate.caughtUp(), 0);

    assertThat(harness.extractOutputStreamRecords())
        .extracting(r -> r.getValue().getContentId(), r -> r.getValue().getModelVersion())
        .containsExactly(tuple("c1", 1), tuple("c2", 1)); // v1 from broadcast state
    assertThat(harness.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(42L);
    // Released events are gone from state: a later restore repeats nothing.
    OperatorSubtaskState after = harness.snapshot(2, 2);
    harness.close();
    harness = open(new FakeRuntime(), after);
    harness.endInput1();
    harness.endInput2();
    assertThat(predictions()).isEmpty();
  }

  @Test
  void theEndOfTheModelStreamReleasesHeldContent() throws Exception {
    harness = openWaiting(runtime, null, MicroBatchInferenceOperator.DEFAULT_MAX_HELD);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement1(content("c1", "one"), 0);

    harness.endInput2();

    assertThat(predictions()).extracting(Prediction::getContentId).containsExactly("c1");
  }

  @Test
  void failsWithAClearMessageRatherThanHoldingMoreThanItsBound() throws Exception {
    harness = openWaiting(runtime, null, 2);
    harness.processElement2(ModelUpdate.of(accepted(SPAM, 1, 0.9)), 0);
    harness.processElement1(content("c1", "one"), 0);
    harness.processElement1(content("c2", "two"), 0);

    assertThatThrownBy(() -> harness.processElement1(content("c3", "three"), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 content events arrived before the model stream caught up")
        .hasMessageContaining("spam v1");
  }

  private List<Prediction> predictions() {
    return harness.extractOutputValues();
  }

  private List<ScoredContent> scored() {
    var out = harness.getSideOutput(MicroBatchInferenceOperator.SCORED);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  private List<ModelAlert> alerts() {
    var out = harness.getSideOutput(MicroBatchInferenceOperator.ALERTS);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  /** {@code operator} opened from empty state, and the model stream has caught up. */
  private static TwoInputStreamOperatorTestHarness<ContentEvent, ModelUpdate, Prediction> open(
      MicroBatchInferenceOperator operator) throws Exception {
    var harness = new TwoInputStreamOperatorTestHarness<>(operator, 128, 1, 0);
    harness.initializeEmptyState();
    harness.open();
    harness.processElement2(ModelUpdate.caughtUp(), 0);
    return harness;
  }

  /** Opened, and the model stream has caught up (with nothing, unless the state says so). */
  private static TwoInputStreamOperatorTestHarness<ContentEvent, ModelUpdate, Prediction> open(
      FakeRuntime runtime, OperatorSubtaskState restored) throws Exception {
    var harness = openWaiting(runtime, restored, MicroBatchInferenceOperator.DEFAULT_MAX_HELD);
    harness.processElement2(ModelUpdate.caughtUp(), 0);
    return harness;
  }

  /** Opened, still waiting for the model stream to catch up. */
  private static TwoInputStreamOperatorTestHarness<ContentEvent, ModelUpdate, Prediction>
      openWaiting(FakeRuntime runtime, OperatorSubtaskState restored, int maxHeld)
          throws Exception {
    var harness =
        new TwoInputStreamOperatorTestHarness<>(
            new MicroBatchInferenceOperator(runtime, MAX_BATCH, MAX_WAIT_MS, maxHeld), 128, 1, 0);
    if (restored == null) {
      harness.initializeEmptyState();
    } else {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }

  private static TwoInputStreamOperatorTestHarness<ContentEvent, ModelUpdate, Prediction> harness(
      FakeRuntime runtime, int parallelism, int subtask) throws Exception {
    return new TwoInputStreamOperatorTestHarness<>(
        new MicroBatchInferenceOperator(runtime, MAX_BATCH, MAX_WAIT_MS),
        128,
        parallelism,
        subtask);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
