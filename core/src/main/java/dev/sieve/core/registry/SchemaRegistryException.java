package dev.sieve.core.registry;

/**
 * A request to the schema registry failed. Carries the registry's own {@code error_code} (for
 * example 40403) and the HTTP status, both {@code -1} when the request never got an answer.
 * Subclasses name the failures a caller reacts to differently; anything else (an authentication
 * failure, an unexpected answer) is this class itself.
 */
public class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Invalid schema. */
  public static final int INVALID_SCHEMA = 42201;

  private final int errorCode;
  private final int httpStatus;

  public SchemaRegistryException(String message, int errorCode, int httpStatus) {
    this(message, errorCode, httpStatus, null);
  }

  public SchemaRegistryException(String message, int errorCode, int httpStatus, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  /** The registry's {@code error_code}, or the HTTP status when the body had none; -1 if none. */
  public int errorCode() {
    return errorCode;
  }

  /** The HTTP status of the answer, or -1 when there was no answer. */
  public int httpStatus() {
    return httpStatus;
  }
}
