package dev.sieve.activelearning.functions;

import static dev.sieve.activelearning.functions.Samples.SMS;
import static dev.sieve.activelearning.functions.Samples.TOPIC;
import static dev.sieve.activelearning.functions.Samples.label;
import static dev.sieve.activelearning.functions.Samples.scored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.learning.labels.Resolution;
import dev.sieve.learning.labels.VoteResolver;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.ScoredContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LabelJoinTest {

  private static final Duration TTL = Duration.ofHours(24);
  private static final Duration GRACE = Duration.ofSeconds(30);

  private KeyedTwoInputStreamOperatorTestHarness<String, ScoredContent, DecodedLabel, JoinedLabel>
      harness;

  private void start(Resolution resolution, int k) throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new LabelJoin("test-job", TTL, GRACE, new VoteResolver(resolution, k)),
            ScoredContent::getContentId,
            DecodedLabel::contentIdOf,
            Types.STRING);
    harness.setProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aLabelIsJoinedWithItsContentEmbeddingAndTheGuessThatServedIt() throws Exception {
    start(Resolution.FIRST, 3);
    harness.processElement1(new StreamRecord<>(scored("c1", "win a prize", 0.6f, 0.8f)));

    harness.processElement2(new StreamRecord<>(label("c1", SMS, "spam", "ann")));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.contentId).isEqualTo("c1");
              assertThat(j.classifier).isEqualTo(SMS);
              assertThat(j.text).isEqualTo("win a prize");
              assertThat(j.embedding).containsExactly(0.6f, 0.8f);
              assertThat(j.embeddingModel).isEqualTo("all-minilm-l6-v2-q");
              assertThat(j.label).isEqualTo("spam");
              assertThat(j.labeler).isEqualTo("ann");
              assertThat(j.labeledAtMs).isEqualTo(5_000);
              assertThat(j.modelVersion).isEqualTo(1);
              assertThat(j.guess).isEqualTo("ham");
              assertThat(j.correct()).isFalse();
            });
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aLabelThatOvertakesItsContentWaitsForIt() throws Exception {
    start(Resolution.FIRST, 3);
    harness.processElement2(new StreamRecord<>(label("c1", TOPIC, "news", "ann")));
    harness.setProcessingTime(GRACE.toMillis() - 1);

    harness.processElement1(new StreamRecord<>(scored("c1", "election tonight", 1f)));
    harness.setProcessingTime(GRACE.toMillis() + 1);

    assertThat(harness.extractOutputValues()).extracting(j -> j.label).containsExactly("news");
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aLabelWithoutContentIsRefusedAfterTheGrace() throws Exception {
    start(Resolution.FIRST, 3);
    harness.processElement2(new StreamRecord<>(label("ghost", SMS, "ham", "ann")));
    harness.setProcessingTime(GRACE.toMillis() - 1);
    assertThat(deadLetters()).isEmpty();

    harness.setProcessingTime(GRACE.toMillis());

    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getReason()).isEqualTo(LabelRejectReason.UNKNOWN_CONTENT_ID.name());
              assertThat(d.getMessage()).contains("ghost");
              assertThat(d.getJob()).isEqualTo("test-job");
              assertThat(d.getSourceTopic()).isEqualTo("sieve.labels");
              assertThat(StandardCharsets.UTF_8.decode(d.getValue()).toString())
                  .isEqualTo("ann:ham");
            });
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).as("early list emptied").isZero();
  }

  @Test
  void unknownClassifiersAndClassesAreRefusedWithReasons() throws Exception {
    start(Resolution.FIRST, 3);
    harness.processElement1(new StreamRecord<>(scored("c1", "hi", 1f)));

    harness.processElement2(new StreamRecord<>(label("c1", "language", "en", "ann")));
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "maybe", "ann")));

    assertThat(deadLetters())
        .extracting(DeadLetter::getReason)
        .containsExactly(
            LabelRejectReason.UNKNOWN_CLASSIFIER.name(), LabelRejectReason.UNKNOWN_CLASS.name());
    assertThat(deadLetters().get(0).getMessage()).contains("[sms, topic]", "'language'");
    assertThat(deadLetters().get(1).getMessage()).contains("'maybe'", "ham, spam");
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void underFirstWinsALaterLabelIsAlreadyLabelledPerClassifier() throws Exception {
    start(Resolution.FIRST, 3);
    harness.processElement1(new StreamRecord<>(scored("c1", "hi", 1f)));

    harness.processElement2(new StreamRecord<>(label("c1", SMS, "ham", "ann")));
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "spam", "bob")));
    harness.processElement2(new StreamRecord<>(label("c1", TOPIC, "tech", "bob")));

    assertThat(harness.extractOutputValues())
        .extracting(j -> j.classifier + "=" + j.label)
        .containsExactly("sms=ham", "topic=tech");
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getReason()).isEqualTo(LabelRejectReason.ALREADY_LABELLED.name());
              assertThat(d.getMessage()).contains("'ham'", "ann");
            });
  }

  @Test
  void aMajorityOfThreePublishesOnceAndDeadLettersTheLosingAndLateVotes() throws Exception {
    start(Resolution.MAJORITY, 3);
    harness.processElement1(new StreamRecord<>(scored("c1", "hi", 1f)));

    harness.processElement2(new StreamRecord<>(label("c1", SMS, "spam", "ann")));
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "spam", "ann"))); // again
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "ham", "bob")));
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "ham", "cyd")));
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "spam", "dan")));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.label).isEqualTo("ham");
              assertThat(j.labeler).isEqualTo("bob,cyd");
            });
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason)
        .containsExactly(
            LabelRejectReason.DUPLICATE_VOTE.name(),
            LabelRejectReason.OUTVOTED.name(),
            LabelRejectReason.ALREADY_LABELLED.name());
    assertThat(StandardCharsets.UTF_8.decode(deadLetters().get(1).getValue()).toString())
        .isEqualTo("ann:spam");
  }

  @Test
  void threeDifferentVotesOfThreeAreNoMajority() throws Exception {
    start(Resolution.MAJORITY, 3);
    harness.processElement1(new StreamRecord<>(scored("c1", "hi", 1f)));

    harness.processElement2(new StreamRecord<>(label("c1", TOPIC, "sport", "ann")));
    harness.processElement2(new StreamRecord<>(label("c1", TOPIC, "news", "bob")));
    harness.processElement2(new StreamRecord<>(label("c1", TOPIC, "tech", "cyd")));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .hasSize(3)
        .allSatisfy(d -> assertThat(d.getReason()).isEqualTo(LabelRejectReason.NO_MAJORITY.name()));
  }

  @Test
  void heldVotesExpireWithTheContentTtl() throws Exception {
    start(Resolution.MAJORITY, 3);
    harness.processElement1(new StreamRecord<>(scored("c1", "hi", 1f)));
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "spam", "ann")));

    harness.setProcessingTime(TTL.toMillis());

    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            d -> assertThat(d.getReason()).isEqualTo(LabelRejectReason.VOTES_EXPIRED.name()));
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void contentIsForgottenAfterItsTtl() throws Exception {
    start(Resolution.FIRST, 3);
    harness.setStateTtlProcessingTime(0);
    harness.processElement1(new StreamRecord<>(scored("c1", "hi", 1f)));

    harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
    harness.processElement2(new StreamRecord<>(label("c1", SMS, "ham", "ann")));
    harness.setProcessingTime(GRACE.toMillis());

    assertThat(deadLetters())
        .extracting(DeadLetter::getReason)
        .containsExactly(LabelRejectReason.UNKNOWN_CONTENT_ID.name());
  }

  private List<DeadLetter> deadLetters() {
    var queue = harness.getSideOutput(LabelJoin.DEAD_LETTERS);
    return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
  }
}
