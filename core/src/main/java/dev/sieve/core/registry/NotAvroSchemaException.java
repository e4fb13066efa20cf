package dev.sieve.core.registry;

/**
 * A reachable registry answered for a schema id, but with no readable Avro schema: another schema
 * type (JSON Schema, Protobuf) or text that does not parse. Like an unknown id, this is a property
 * of the id, so of the record that names it: a consumer may dead-letter the record, and retrying
 * would give the same answer.
 */
public class NotAvroSchemaException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public NotAvroSchemaException(String message, Throwable cause) {
    super(message, -1, 200, cause);
  }
}
