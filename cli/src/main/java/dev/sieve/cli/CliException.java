package dev.sieve.cli;

/** A failure the user can fix; its message is printed as one line, and the command exits 1. */
public final class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }
}
