package dev.sieve.learning.labels;

/**
 * Why a record of {@code sieve.labels} was not used; the name is the {@code DeadLetter.reason} on
 * {@code sieve.labels.dlq}, a stable code a labeling tool may act on.
 */
public enum LabelRejectReason {
  /** The record value is null. */
  TOMBSTONE,
  /** Not Confluent-framed: the first byte is not the magic byte 0. */
  BAD_MAGIC_BYTE,
  /** The bytes end before the schema id or the record does. */
  TRUNCATED_AVRO,
  /** The registry has no schema with the id the bytes name. */
  UNKNOWN_SCHEMA_ID,
  /** Avro, but of another record type than {@code Label}. */
  WRONG_RECORD_TYPE,
  /** Corrupt Avro body, or trailing bytes after the record. */
  MALFORMED_AVRO,
  /** A blank content id. */
  EMPTY_CONTENT_ID,
  /** A blank classifier name. */
  EMPTY_CLASSIFIER,
  /** A blank label. */
  EMPTY_LABEL,
  /** A blank labeler: votes must say who cast them. */
  EMPTY_LABELER,
  /** No content with this id was seen within the content TTL, nor within the grace after. */
  UNKNOWN_CONTENT_ID,
  /** The content was not scored by this classifier. */
  UNKNOWN_CLASSIFIER,
  /** The label is not one of the classes the classifier had when it scored the content. */
  UNKNOWN_CLASS,
  /** The content already has a decided label for this classifier. */
  ALREADY_LABELLED,
  /** Majority voting: this labeler has already voted on this content and classifier. */
  DUPLICATE_VOTE,
  /** Majority voting: a vote for a class that another class outvoted. */
  OUTVOTED,
  /** Majority voting: k votes and no class has more than k/2 (or voting had so closed). */
  NO_MAJORITY,
  /** Majority voting: too few votes arrived within the content TTL to decide. */
  VOTES_EXPIRED,
  /** A content id longer than ingest-job accepts (512 characters): no such content can exist. */
  CONTENT_ID_TOO_LONG,
  /** A classifier name longer than 128 characters. */
  CLASSIFIER_TOO_LONG,
  /** A label (class name) longer than 128 characters. */
  LABEL_TOO_LONG,
  /** A labeler name longer than 256 characters. */
  LABELER_TOO_LONG
}
