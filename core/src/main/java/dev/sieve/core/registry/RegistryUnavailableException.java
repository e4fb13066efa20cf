package dev.sieve.core.registry;

/**
 * The registry could not be reached, or kept answering with server errors (5xx), through every
 * retry. This is an outage, not a property of the data: a consumer must not dead-letter a record
 * because of it, but fail (and let the job restart) or retry later. The message names the URL, the
 * number of attempts, the time spent and the last cause.
 */
public class RegistryUnavailableException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  private final int attempts;

  public RegistryUnavailableException(
      String message, int attempts, int errorCode, int httpStatus, Throwable cause) {
    super(message, errorCode, httpStatus, cause);
    this.attempts = attempts;
  }

  /** How many requests were sent before giving up. */
  public int attempts() {
    return attempts;
  }
}
