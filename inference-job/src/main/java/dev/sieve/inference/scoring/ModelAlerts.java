package dev.sieve.inference.scoring;

import dev.sieve.schemas.ModelAlert;

/** Builds the {@link ModelAlert}s the inference job publishes on {@code sieve.models.alerts}. */
public final class ModelAlerts {

  /** Reason code of a {@code sieve.models} record that is not a readable ModelVersion. */
  public static final String MALFORMED_RECORD = "MALFORMED_RECORD";

  /**
   * Reason code of a version that passed validation but whose embedding network could not be loaded
   * on this task manager (its resources missing from the class path, out of memory).
   */
  public static final String EMBEDDING_UNAVAILABLE = "EMBEDDING_UNAVAILABLE";

  /** Version number of an alert about a record whose version could not be read. */
  public static final int UNKNOWN_VERSION = -1;

  /** Classifier name of an alert about a record that had no readable key either. */
  public static final String UNKNOWN_CLASSIFIER = "";

  private ModelAlerts() {}

  /** A version was refused; {@code serving} (null when none) keeps serving. */
  public static ModelAlert refused(
      String classifier,
      int version,
      String reason,
      String message,
      Integer serving,
      int subtask,
      long nowMs) {
    return ModelAlert.newBuilder()
        .setClassifier(classifier)
        .setVersion(version)
        .setReason(reason)
        .setMessage(message == null ? reason : message)
        .setServingVersion(serving)
        .setSubtask(subtask)
        .setDetectedAtMs(nowMs)
        .build();
  }
}
