package dev.sieve.core.registry;

/**
 * The registry refused a schema as invalid (HTTP 422, error code 42201): it does not parse, or it
 * is not the declared schema type.
 */
public class InvalidSchemaException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public InvalidSchemaException(String message, int errorCode, int httpStatus) {
    super(message, errorCode, httpStatus);
  }
}
