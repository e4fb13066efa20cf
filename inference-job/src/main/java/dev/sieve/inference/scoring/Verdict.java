package dev.sieve.inference.scoring;

import java.util.Objects;

/**
 * The outcome of validating one model version: either the loaded {@link Head} (owned by the caller
 * from now on), or a refusal with a stable reason code ({@code BAD_SIGNATURE}, …) and a message for
 * a human.
 */
public record Verdict(Head head, String refusal, String message) {

  public Verdict {
    if ((head == null) == (refusal == null)) {
      throw new IllegalArgumentException("a verdict has either a head or a refusal reason");
    }
  }

  public static Verdict accepted(Head head) {
    return new Verdict(Objects.requireNonNull(head, "head"), null, null);
  }

  public static Verdict refused(String reason, String message) {
    return new Verdict(null, Objects.requireNonNull(reason, "reason"), message);
  }

  public boolean isAccepted() {
    return head != null;
  }
}
