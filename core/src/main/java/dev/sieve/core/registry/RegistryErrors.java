package dev.sieve.core.registry;

/**
 * Maps a registry error answer (HTTP status plus Confluent {@code error_code}) to the exception a
 * caller can react to. Codes follow the Confluent API: 40401 subject, 40402 version and 40403
 * schema not found, 409 incompatible, 42201 invalid schema.
 */
final class RegistryErrors {

  private RegistryErrors() {}

  /**
   * @param credentialsSent whether the request carried {@code basic.auth.user.info}: a 401 then
   *     means a wrong user or password, otherwise that the registry wants one
   */
  static SchemaRegistryException toException(
      int status,
      ErrorBody error,
      String rawBody,
      String what,
      String url,
      boolean credentialsSent) {
    int code = error.code(status);
    String said = error.message(rawBody);
    String detail = " (HTTP " + status + ", error code " + code + ": " + said + ")";
    if (code == SchemaRegistryException.SUBJECT_NOT_FOUND) {
      return new SubjectNotFoundException("Subject not found while " + what + detail, code, status);
    }
    if (code == SchemaRegistryException.VERSION_NOT_FOUND) {
      return new VersionNotFoundException("Version not found while " + what + detail, code, status);
    }
    if (code == SchemaRegistryException.SCHEMA_NOT_FOUND) {
      return new SchemaNotFoundException("Schema not found while " + what + detail, code, status);
    }
    if (status == 409 || code == 409) {
      return new IncompatibleSchemaException(
          "Schema rejected as incompatible while "
              + what
              + "; the registry said: "
              + said
              + " (HTTP "
              + status
              + ", error code "
              + code
              + ")",
          code,
          status);
    }
    // Other 422 codes (42202 invalid version, 42203 invalid compatibility level) are no schema's
    // fault and stay generic.
    if (status == 422 && (code == SchemaRegistryException.INVALID_SCHEMA || code == 422)) {
      return new InvalidSchemaException(
          "Schema rejected as invalid while "
              + what
              + "; the registry said: "
              + said
              + " (HTTP "
              + status
              + ", error code "
              + code
              + ")",
          code,
          status);
    }
    return new SchemaRegistryException(
        generic(status, what, url, credentialsSent) + detail, code, status);
  }

  private static String generic(int status, String what, String url, boolean credentialsSent) {
    return switch (status) {
      case 401 ->
          credentialsSent
              ? "Registry refused the user and password in basic.auth.user.info while "
                  + what
                  + " (wrong user or password?)"
              : "Registry requires authentication while "
                  + what
                  + ", and no user and password were sent (set basic.auth.user.info to"
                  + " user:password)";
      case 403 ->
          "Registry denied access while "
              + what
              + (credentialsSent
                  ? " (the user in basic.auth.user.info is not allowed this)"
                  : " (no user and password were sent: set basic.auth.user.info)");
      case 404 ->
          "Registry answered 'not found' while "
              + what
              + " at "
              + url
              + " (is schema.registry.url the base of the Confluent API, e.g."
              + " .../apis/ccompat/v7?)";
      default -> "Registry error while " + what + " at " + url;
    };
  }
}
