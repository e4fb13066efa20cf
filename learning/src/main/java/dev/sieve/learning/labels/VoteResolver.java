package dev.sieve.learning.labels;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves the labels several labelers give one content for one classifier, in arrival order:
 *
 * <ul>
 *   <li>{@link Resolution#FIRST}: the first label is the verdict; every later one is refused as
 *       {@link LabelRejectReason#ALREADY_LABELLED}, naming the decided label.
 *   <li>{@link Resolution#MAJORITY} of k: votes are held until a class has more than k/2 of them,
 *       which decides (held votes for other classes are {@link LabelRejectReason#OUTVOTED}); k
 *       votes without such a class close the vote ({@link LabelRejectReason#NO_MAJORITY}, every
 *       vote). A labeler counts once: a second vote is a {@link LabelRejectReason#DUPLICATE_VOTE}.
 * </ul>
 *
 * Plain Java: the caller keeps the {@link Verdict} and the held votes (keyed state in the job).
 */
public final class VoteResolver implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Resolution resolution;
  private final int k;

  /**
   * @param majorityOf k, the number of votes a majority is taken of (at least 2; ignored for {@link
   *     Resolution#FIRST})
   */
  public VoteResolver(Resolution resolution, int majorityOf) {
    if (resolution == Resolution.MAJORITY && majorityOf < 2) {
      throw new IllegalArgumentException("a majority needs k >= 2 votes, got " + majorityOf);
    }
    this.resolution = resolution;
    this.k = majorityOf;
  }

  public Resolution resolution() {
    return resolution;
  }

  public int majorityOf() {
    return k;
  }

  /**
   * One more label.
   *
   * @param verdict what was decided so far (null if nothing)
   * @param held the votes held so far, labeler to label
   */
  public VoteOutcome offer(
      Verdict verdict, Map<String, String> held, String labeler, String label) {
    if (verdict != null && verdict.noMajority) {
      return VoteOutcome.refused(
          LabelRejectReason.NO_MAJORITY,
          "voting on this content closed after " + k + " votes without a majority");
    }
    if (verdict != null && verdict.label != null) {
      return VoteOutcome.refused(
          LabelRejectReason.ALREADY_LABELLED,
          "already labelled '" + verdict.label + "' by " + verdict.labelers);
    }
    if (resolution == Resolution.FIRST) {
      return VoteOutcome.decided(Verdict.decided(label, labeler), List.of());
    }
    if (held.containsKey(labeler)) {
      return VoteOutcome.refused(
          LabelRejectReason.DUPLICATE_VOTE,
          labeler + " already voted '" + held.get(labeler) + "'; a labeler counts once");
    }
    Map<String, String> votes = new TreeMap<>(held);
    votes.put(labeler, label);
    TreeSet<String> agreeing = new TreeSet<>();
    votes.forEach(
        (who, what) -> {
          if (what.equals(label)) {
            agreeing.add(who);
          }
        });
    if (agreeing.size() > k / 2) {
      List<String> outvoted = new ArrayList<>();
      votes.forEach(
          (who, what) -> {
            if (!what.equals(label)) {
              outvoted.add(who);
            }
          });
      return VoteOutcome.decided(Verdict.decided(label, String.join(",", agreeing)), outvoted);
    }
    if (votes.size() >= k) {
      return VoteOutcome.noMajority(
          new ArrayList<>(votes.keySet()), k + " votes without a majority: " + votes);
    }
    return VoteOutcome.held();
  }
}
