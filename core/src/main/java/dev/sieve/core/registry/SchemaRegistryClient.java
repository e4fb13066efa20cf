package dev.sieve.core.registry;

import org.apache.avro.Schema;

/**
 * The small part of the Confluent Schema Registry API that Sieve's serdes need: register and look
 * up Avro schemas under a subject, fetch a schema by its global id, read the latest version, and
 * read or change the compatibility level. It is an interface so that the official Confluent client
 * ({@code CachedSchemaRegistryClient}) can be adapted behind it where that client is available;
 * {@link RestSchemaRegistryClient} is Sieve's own implementation over plain HTTP.
 *
 * <p>Failures are {@link SchemaRegistryException}s: one subclass per registry error Sieve reacts
 * to, and {@link RegistryUnavailableException} when the registry could not be reached at all.
 */
public interface SchemaRegistryClient {

  /**
   * Registers {@code schema} under {@code subject} (or finds it if already registered) and returns
   * its global id.
   *
   * @throws IncompatibleSchemaException if the subject's compatibility rule rejects the schema
   * @throws InvalidSchemaException if the registry rejects the schema as invalid
   */
  int register(String subject, Schema schema);

  /**
   * Looks up the global id of {@code schema} under {@code subject} without registering it.
   *
   * @throws SubjectNotFoundException if the subject does not exist
   * @throws SchemaNotFoundException if the schema is not registered under the subject
   */
  int idOf(String subject, Schema schema);

  /**
   * Returns the schema with the global id {@code id}.
   *
   * @throws SchemaNotFoundException if no schema has that id
   * @throws NotAvroSchemaException if the schema with that id is not a readable Avro schema
   */
  Schema schemaById(int id);

  /**
   * Returns the latest version registered under {@code subject}.
   *
   * @throws SubjectNotFoundException if the subject does not exist
   */
  SchemaVersion latest(String subject);

  /**
   * Tells whether {@code schema} may be registered as the next version of {@code subject}, i.e.
   * whether it is compatible with the latest version under the subject's compatibility level. A
   * subject that does not exist yet accepts any schema.
   */
  boolean isCompatible(String subject, Schema schema);

  /**
   * Returns the compatibility level ({@code BACKWARD}, {@code FULL_TRANSITIVE}, ...) of {@code
   * subjectOrNull}, falling back to the global level when the subject has none of its own; {@code
   * null} reads the global level.
   */
  String compatibility(String subjectOrNull);

  /**
   * Sets the compatibility level of {@code subjectOrNull}, or the global level for {@code null}.
   */
  void setCompatibility(String subjectOrNull, String level);
}
