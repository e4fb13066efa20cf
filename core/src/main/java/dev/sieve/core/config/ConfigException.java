package dev.sieve.core.config;

/** A job configuration that cannot be used; the message names the argument and what was wrong. */
public class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
