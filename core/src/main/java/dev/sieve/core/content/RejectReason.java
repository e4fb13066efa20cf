package dev.sieve.core.content;

/**
 * Why ingest-job rejected a record. The {@link #name()} is the stable code written to {@code
 * DeadLetter.reason} and used as the {@code reason} metric label; never rename one, only add.
 */
public enum RejectReason {
  /** The value is null: a tombstone, which has no content to ingest. */
  TOMBSTONE("the value is null (a tombstone)"),
  /** The value is neither Confluent-framed Avro (first byte 0) nor JSON. */
  NOT_AVRO_OR_JSON("the value is neither Confluent-framed Avro nor JSON"),
  /**
   * The value starts with a control byte other than 0: a Confluent frame with a wrong magic byte.
   */
  BAD_MAGIC_BYTE("binary value whose first (magic) byte is not 0"),
  /** The Confluent frame names a schema id the registry does not know. */
  UNKNOWN_SCHEMA_ID("the schema id in the Avro frame is not in the registry"),
  /** The writer schema is another record type that cannot be read as a ContentEvent. */
  WRONG_RECORD_TYPE("Avro of another record type, not readable as ContentEvent"),
  /** The Avro bytes end before the record does (or the frame is shorter than its 5-byte header). */
  TRUNCATED_AVRO("truncated Avro: the bytes end before the record does"),
  /** The Avro bytes are corrupt (bad lengths or union indexes) or followed by trailing bytes. */
  MALFORMED_AVRO("corrupt Avro, or trailing bytes after the record"),
  /** The value looks like JSON (starts with '{' or '[') but does not parse. */
  MALFORMED_JSON("the value starts like JSON but does not parse"),
  /** The value is valid JSON, but not an object. */
  JSON_NOT_OBJECT("valid JSON, but not an object"),
  /** The value is not valid UTF-8, so it cannot be JSON text. */
  INVALID_UTF8("the value is not valid UTF-8"),
  /** The JSON object has no {@code id} field. */
  MISSING_ID("the JSON object has no id"),
  /** The JSON object has no {@code text} field. */
  MISSING_TEXT("the JSON object has no text"),
  /** A field has the wrong JSON type (text not a string, attributes not an object of strings…). */
  INVALID_FIELD("a field has the wrong type"),
  /** The id is null, empty or only whitespace. */
  EMPTY_ID("the id is null, empty or blank"),
  /** The text is empty or only whitespace (after removing control characters). */
  EMPTY_TEXT("the text is empty or only whitespace"),
  /** The text is longer than the hard cap. */
  TEXT_TOO_LONG("the text is longer than the hard cap"),
  /** The id is longer than {@link ContentNormalizer#MAX_ID_CHARS}. */
  ID_TOO_LONG("the id is longer than " + ContentNormalizer.MAX_ID_CHARS + " characters"),
  /** The source is longer than {@link ContentNormalizer#MAX_SOURCE_CHARS}. */
  SOURCE_TOO_LONG(
      "the source is longer than " + ContentNormalizer.MAX_SOURCE_CHARS + " characters"),
  /** More attributes than {@link ContentNormalizer#MAX_ATTRIBUTES}. */
  TOO_MANY_ATTRIBUTES("more than " + ContentNormalizer.MAX_ATTRIBUTES + " attributes"),
  /** An attribute key or value longer than its cap in {@link ContentNormalizer}. */
  ATTRIBUTE_TOO_LONG(
      "an attribute key longer than "
          + ContentNormalizer.MAX_ATTRIBUTE_KEY_CHARS
          + " or a value longer than "
          + ContentNormalizer.MAX_ATTRIBUTE_VALUE_CHARS
          + " characters");

  private final String description;

  RejectReason(String description) {
    this.description = description;
  }

  /** One line for humans, as in the README's table. */
  public String description() {
    return description;
  }
}
