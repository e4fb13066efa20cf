package dev.sieve.model;

import java.util.Optional;

/**
 * The outcome of validating a model version: accepted, with its loaded {@link HeadRunner} (which
 * the caller now owns and must close), or refused, with a {@link Refusal} code and a message that
 * names the classifier and version.
 */
public final class Validation {

  private final HeadRunner head;
  private final Refusal refusal;
  private final String message;

  private Validation(HeadRunner head, Refusal refusal, String message) {
    this.head = head;
    this.refusal = refusal;
    this.message = message;
  }

  static Validation accepted(HeadRunner head, String message) {
    return new Validation(head, null, message);
  }

  /** Signature and bounds checked, nothing loaded: {@link #head()} is not available. */
  static Validation verified(String message) {
    return new Validation(null, null, message);
  }

  static Validation refused(Refusal refusal, String message) {
    return new Validation(null, refusal, message);
  }

  public boolean ok() {
    return refusal == null;
  }

  /** The loaded head of an accepted version; fails for a refused or only verified one. */
  public HeadRunner head() {
    if (head == null) {
      throw new IllegalStateException("refused version has no head: " + message);
    }
    return head;
  }

  /** The refusal code, empty when accepted. */
  public Optional<Refusal> refusal() {
    return Optional.ofNullable(refusal);
  }

  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return ok() ? "accepted: " + message : refusal + ": " + message;
  }
}
