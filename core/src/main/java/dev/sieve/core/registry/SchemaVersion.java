package dev.sieve.core.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One registered version of a subject: the subject, its version number within the subject, the
 * schema's global id (the one written into the Confluent wire format) and the schema itself.
 */
public record SchemaVersion(String subject, int version, int id, Schema schema) {

  public SchemaVersion {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
