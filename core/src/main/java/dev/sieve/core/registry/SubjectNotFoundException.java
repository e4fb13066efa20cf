package dev.sieve.core.registry;

/** The subject does not exist in the registry (error code 40401). */
public class SubjectNotFoundException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public SubjectNotFoundException(String message, int errorCode, int httpStatus) {
    super(message, errorCode, httpStatus);
  }
}
