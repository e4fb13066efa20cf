package dev.sieve.learning.labels;

import java.util.List;

/**
 * What {@link VoteResolver} made of one more label.
 *
 * @param kind what happens to the label
 * @param verdict the new verdict to store (for {@link Kind#DECIDED} and {@link Kind#NO_MAJORITY})
 * @param outvoted labelers whose held votes lost (for {@link Kind#DECIDED}), or every voter (for
 *     {@link Kind#NO_MAJORITY}): their votes go to the dead-letter topic
 * @param reason for {@link Kind#REFUSED}: why this label is not used
 * @param message human-readable explanation, for the dead letter
 */
public record VoteOutcome(
    Kind kind, Verdict verdict, List<String> outvoted, LabelRejectReason reason, String message) {

  /** The possible outcomes. */
  public enum Kind {
    /** The label decides: publish it. */
    DECIDED,
    /** A vote is held until k votes or a majority. */
    HELD,
    /** This label is refused with {@link #reason}. */
    REFUSED,
    /** k votes without a majority: this vote and the held ones are refused as NO_MAJORITY. */
    NO_MAJORITY
  }

  static VoteOutcome decided(Verdict verdict, List<String> outvoted) {
    return new VoteOutcome(Kind.DECIDED, verdict, outvoted, null, null);
  }

  static VoteOutcome held() {
    return new VoteOutcome(Kind.HELD, null, List.of(), null, null);
  }

  static VoteOutcome refused(LabelRejectReason reason, String message) {
    return new VoteOutcome(Kind.REFUSED, null, List.of(), reason, message);
  }

  static VoteOutcome noMajority(List<String> voters, String message) {
    return new VoteOutcome(
        Kind.NO_MAJORITY,
        Verdict.closedWithoutMajority(),
        voters,
        LabelRejectReason.NO_MAJORITY,
        message);
  }
}
