package dev.sieve.learning.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.learning.labels.VoteOutcome.Kind;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VoteResolverTest {

  private final VoteResolver first = new VoteResolver(Resolution.FIRST, 3);
  private final VoteResolver majorityOf3 = new VoteResolver(Resolution.MAJORITY, 3);

  @Test
  void theFirstLabelWinsAndALaterOneIsRefusedNamingTheDecidedLabel() {
    VoteOutcome decided = first.offer(null, Map.of(), "ann", "spam");
    assertThat(decided.kind()).isEqualTo(Kind.DECIDED);
    assertThat(decided.verdict().label).isEqualTo("spam");
    assertThat(decided.verdict().labelers).isEqualTo("ann");

    VoteOutcome later = first.offer(decided.verdict(), Map.of(), "bob", "ham");

    assertThat(later.kind()).isEqualTo(Kind.REFUSED);
    assertThat(later.reason()).isEqualTo(LabelRejectReason.ALREADY_LABELLED);
    assertThat(later.message()).contains("'spam'", "ann");
  }

  @Test
  void aMajorityDecidesOnceMoreThanHalfOfKAgree() {
    Map<String, String> held = new HashMap<>();
    VoteOutcome one = majorityOf3.offer(null, held, "ann", "spam");
    assertThat(one.kind()).isEqualTo(Kind.HELD);
    held.put("ann", "spam");
    VoteOutcome two = majorityOf3.offer(null, held, "bob", "ham");
    assertThat(two.kind()).isEqualTo(Kind.HELD);
    held.put("bob", "ham");

    VoteOutcome three = majorityOf3.offer(null, held, "cyd", "spam");

    assertThat(three.kind()).isEqualTo(Kind.DECIDED);
    assertThat(three.verdict().label).isEqualTo("spam");
    assertThat(three.verdict().labelers).isEqualTo("ann,cyd");
    assertThat(three.outvoted()).containsExactly("bob");
  }

  @Test
  void twoAgreeingVotesOfThreeDecideWithoutWaitingForTheThird() {
    VoteOutcome outcome = majorityOf3.offer(null, Map.of("ann", "ham"), "bob", "ham");

    assertThat(outcome.kind()).isEqualTo(Kind.DECIDED);
    assertThat(outcome.outvoted()).isEmpty();
  }

  @Test
  void kVotesWithoutAMajorityCloseTheVote() {
    VoteResolver ofFour = new VoteResolver(Resolution.MAJORITY, 4);
    Map<String, String> held = Map.of("ann", "a", "bob", "a", "cyd", "b");

    VoteOutcome outcome = ofFour.offer(null, held, "dan", "b");

    assertThat(outcome.kind()).isEqualTo(Kind.NO_MAJORITY);
    assertThat(outcome.reason()).isEqualTo(LabelRejectReason.NO_MAJORITY);
    assertThat(outcome.outvoted()).containsExactlyInAnyOrder("ann", "bob", "cyd", "dan");
    assertThat(ofFour.offer(outcome.verdict(), Map.of(), "eve", "a").reason())
        .isEqualTo(LabelRejectReason.NO_MAJORITY);
  }

  @Test
  void aLabelerCountsOnce() {
    VoteOutcome again = majorityOf3.offer(null, Map.of("ann", "spam"), "ann", "spam");

    assertThat(again.kind()).isEqualTo(Kind.REFUSED);
    assertThat(again.reason()).isEqualTo(LabelRejectReason.DUPLICATE_VOTE);
  }

  @Test
  void aDecidedMajorityRefusesLaterVotes() {
    VoteOutcome decided = majorityOf3.offer(null, Map.of("ann", "ham"), "bob", "ham");

    VoteOutcome late = majorityOf3.offer(decided.verdict(), Map.of(), "cyd", "spam");

    assertThat(late.reason()).isEqualTo(LabelRejectReason.ALREADY_LABELLED);
    assertThat(late.message()).contains("'ham'", "ann,bob");
  }

  @Test
  void aMajorityOfOneIsRefused() {
    assertThatThrownBy(() -> new VoteResolver(Resolution.MAJORITY, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
