package dev.sieve.model;

import java.util.Optional;

/**
 * The outcome of validating a model version: accepted, with its loaded {@link HeadRunner} (which
 * the caller now owns and must close), or refused, with a {@link Refusal} code and a message that
 * names the classifier and version.
 */
public final class Validation {

  private final HeadRunner head;
  private final HeadFeatures features;
  private final LexicalFeaturiser featuriser;
  private final Refusal refusal;
  private final String message;

  private Validation(
      HeadRunner head,
      HeadFeatures features,
      LexicalFeaturiser featuriser,
      Refusal refusal,
      String message) {
    this.head = head;
    this.features = features;
    this.featuriser = featuriser;
    this.refusal = refusal;
    this.message = message;
  }

  static Validation accepted(
      HeadRunner head, HeadFeatures features, LexicalFeaturiser featuriser, String message) {
    return new Validation(head, features, featuriser, null, message);
  }

  /** Signature and bounds checked, nothing loaded: {@link #head()} is not available. */
  static Validation verified(String message) {
    return new Validation(null, null, null, null, message);
  }

  static Validation refused(Refusal refusal, String message) {
    return new Validation(null, null, null, refusal, message);
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

  /** What the accepted head reads (its input row is {@link HeadFeatures#assemble}d from them). */
  public HeadFeatures features() {
    head();
    return features;
  }

  /** The accepted head's lexical featuriser; null when it reads the embedding only. */
  public LexicalFeaturiser featuriser() {
    head();
    return featuriser;
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
