package dev.sieve.core.registry;

/**
 * No schema with the given id exists, or the schema is not registered under the subject (error code
 * 40403). For a decoder this means the bytes name a schema id the registry does not know.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public SchemaNotFoundException(String message, int errorCode, int httpStatus) {
    super(message, errorCode, httpStatus);
  }
}
