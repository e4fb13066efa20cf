package dev.sieve.core.registry;

/**
 * The registry refused a schema because it breaks the subject's compatibility rule (HTTP 409). The
 * message names the subject and repeats what the registry said, so a producer's log shows which
 * change was rejected.
 */
public class IncompatibleSchemaException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public IncompatibleSchemaException(String message, int errorCode, int httpStatus) {
    super(message, errorCode, httpStatus);
  }
}
