package dev.sieve.core.serde;

/**
 * Bytes that cannot be decoded as a record of the expected type, with the {@link Reason} why. This
 * is a property of the data, so a job may dead-letter the record with {@link #reason()}; a registry
 * outage is never reported this way (it surfaces as a {@code RegistryUnavailableException}, and the
 * record must not be dead-lettered for it).
 */
public class AvroDecodeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the bytes could not be decoded. */
  public enum Reason {
    /** The first byte is not the Confluent magic byte 0: not Confluent-framed Avro. */
    BAD_MAGIC_BYTE,
    /** Fewer than 5 bytes: not even the magic byte and the schema id. */
    TOO_SHORT,
    /** The registry has no schema with the id the bytes name. */
    UNKNOWN_SCHEMA_ID,
    /** The writer schema cannot be read as the reader schema (e.g. another record type). */
    WRONG_RECORD_TYPE,
    /** The Avro body ends before the record does: bytes were cut off. */
    TRUNCATED,
    /** The Avro body is corrupt (bad lengths or union indexes), or followed by trailing bytes. */
    MALFORMED_AVRO
  }

  private final Reason reason;
  private final int schemaId;

  public AvroDecodeException(Reason reason, int schemaId, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
    this.schemaId = schemaId;
  }

  public AvroDecodeException(Reason reason, int schemaId, String message) {
    this(reason, schemaId, message, null);
  }

  public Reason reason() {
    return reason;
  }

  /** The schema id the bytes name, or -1 when the header itself was unreadable. */
  public int schemaId() {
    return schemaId;
  }
}
