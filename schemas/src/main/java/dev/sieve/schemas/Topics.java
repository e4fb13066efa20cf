package dev.sieve.schemas;

import dev.sieve.schemas.Topic.Retention;
import java.util.List;

/** Every topic Sieve reads or writes (docs/architecture.md, "Topics"), under a common prefix. */
public final class Topics {

  /** Written by users' apps: Confluent-framed Avro {@link ContentEvent}, or JSON. */
  public static final Topic<String, ContentEvent> CONTENT_RAW =
      new Topic<>("content.raw", String.class, ContentEvent.class, Retention.BROKER_DEFAULT);

  /** Validated, normalised, de-duplicated content, written by ingest-job. */
  public static final Topic<String, ContentEvent> CONTENT =
      new Topic<>("content", String.class, ContentEvent.class, Retention.BROKER_DEFAULT);

  /** Records ingest-job could not use, with the reason and the original bytes. */
  public static final Topic<String, DeadLetter> CONTENT_DLQ =
      new Topic<>("content.dlq", String.class, DeadLetter.class, Retention.BROKER_DEFAULT);

  /** One prediction per content event and classifier. */
  public static final Topic<String, Prediction> PREDICTIONS =
      new Topic<>("predictions", String.class, Prediction.class, Retention.BROKER_DEFAULT);

  /** Internal: embedding and scores from inference-job to active-learning-job. */
  public static final Topic<String, ScoredContent> SCORED =
      new Topic<>("scored", String.class, ScoredContent.class, Retention.BROKER_DEFAULT);

  /** The labeling queue, consumed by labelers through a share group. */
  public static final Topic<String, LabelRequest> LABELING_REQUESTS =
      new Topic<>("labeling.requests", String.class, LabelRequest.class, Retention.BROKER_DEFAULT);

  /** Labelers' answers; kept forever (people paid for them). */
  public static final Topic<String, Label> LABELS =
      new Topic<>("labels", String.class, Label.class, Retention.FOREVER);

  /**
   * Labels active-learning-job could not use (unknown id, classifier or class; conflicts), with the
   * reason.
   */
  public static final Topic<String, DeadLetter> LABELS_DLQ =
      new Topic<>("labels.dlq", String.class, DeadLetter.class, Retention.BROKER_DEFAULT);

  /** Labels joined with content and embedding, for retraining; kept forever. */
  public static final Topic<String, LabelledExample> LABELLED =
      new Topic<>("labelled", String.class, LabelledExample.class, Retention.FOREVER);

  /** Model versions keyed by classifier name; compacted, so the latest per classifier survives. */
  public static final Topic<String, ModelVersion> MODELS =
      new Topic<>("models", String.class, ModelVersion.class, Retention.COMPACTED);

  /** Model versions the inference job refused, with the reason; keyed by classifier name. */
  public static final Topic<String, ModelAlert> MODEL_ALERTS =
      new Topic<>("models.alerts", String.class, ModelAlert.class, Retention.BROKER_DEFAULT);

  /** Live accuracy of each model version from human labels, keyed by classifier name. */
  public static final Topic<String, LiveAccuracy> ACCURACY =
      new Topic<>("accuracy", String.class, LiveAccuracy.class, Retention.BROKER_DEFAULT);

  /** Drift alerts keyed by classifier name. */
  public static final Topic<String, DriftAlert> DRIFT =
      new Topic<>("drift", String.class, DriftAlert.class, Retention.BROKER_DEFAULT);

  /**
   * Every closed window of every windowed drift detector (statistic, threshold, alerted or not),
   * keyed by classifier name: what the alerts on {@link #DRIFT} were decided on, for plots over
   * time. A few records per window of 500 events; the broker's default retention.
   */
  public static final Topic<String, DriftWindow> DRIFT_WINDOWS =
      new Topic<>("drift.windows", String.class, DriftWindow.class, Retention.BROKER_DEFAULT);

  /** Retrain requests keyed by classifier name. */
  public static final Topic<String, RetrainRequest> RETRAIN_REQUESTS =
      new Topic<>("retrain.requests", String.class, RetrainRequest.class, Retention.BROKER_DEFAULT);

  /** All of them, for topic creation. */
  public static final List<Topic<String, ?>> ALL =
      List.of(
          CONTENT_RAW,
          CONTENT,
          CONTENT_DLQ,
          PREDICTIONS,
          SCORED,
          LABELING_REQUESTS,
          LABELS,
          LABELS_DLQ,
          LABELLED,
          MODELS,
          MODEL_ALERTS,
          ACCURACY,
          DRIFT,
          DRIFT_WINDOWS,
          RETRAIN_REQUESTS);

  private Topics() {}
}
