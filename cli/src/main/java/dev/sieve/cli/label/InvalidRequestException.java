package dev.sieve.cli.label;

/** A label request that decodes but cannot be answered; the message says why. */
final class InvalidRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidRequestException(String message) {
    super(message);
  }
}
