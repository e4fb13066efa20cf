package dev.sieve.core.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory schema registry for unit tests: global ids from 1, versions per subject, BACKWARD
 * compatibility checked with Avro's own rules, and a switch that makes it "down" (every call throws
 * {@link RegistryUnavailableException}). Counts calls so tests can see the caches work.
 */
public final class FakeSchemaRegistryClient implements SchemaRegistryClient {

  private final Map<Integer, Schema> schemas = new HashMap<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();
  private final Map<String, String> compatibility = new HashMap<>();
  private int nextId = 1;
  private boolean down;
  private int calls;

  public synchronized void setDown(boolean down) {
    this.down = down;
  }

  public synchronized int calls() {
    return calls;
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    call();
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    for (int id : versions) {
      if (schemas.get(id).equals(schema)) {
        return id;
      }
    }
    if (!versions.isEmpty() && !compatibleWithLatest(versions, schema)) {
      throw new IncompatibleSchemaException(
          "Schema rejected as incompatible under subject '" + subject + "'", 409, 409);
    }
    int id = idForSchema(schema);
    versions.add(id);
    return id;
  }

  /** Registers a schema under a new global id and no subject, like a schema another tool wrote. */
  public synchronized int registerWithoutSubject(Schema schema) {
    return idForSchema(schema);
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    call();
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found", 40401, 404);
    }
    return versions.stream()
        .filter(id -> schemas.get(id).equals(schema))
        .findFirst()
        .orElseThrow(() -> new SchemaNotFoundException("Schema not found", 40403, 404));
  }

  @Override
  public synchronized Schema schemaById(int id) {
    call();
    Schema schema = schemas.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found", 40403, 404);
    }
    return schema;
  }

  @Override
  public synchronized SchemaVersion latest(String subject) {
    call();
    List<Integer> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found", 40401, 404);
    }
    int id = versions.get(versions.size() - 1);
    return new SchemaVersion(subject, versions.size(), id, schemas.get(id));
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    call();
    List<Integer> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() || compatibleWithLatest(versions, schema);
  }

  @Override
  public synchronized String compatibility(String subjectOrNull) {
    call();
    return compatibility.getOrDefault(subjectOrNull, compatibility.getOrDefault(null, "BACKWARD"));
  }

  @Override
  public synchronized void setCompatibility(String subjectOrNull, String level) {
    call();
    compatibility.put(subjectOrNull, level);
  }

  private int idForSchema(Schema schema) {
    for (Map.Entry<Integer, Schema> e : schemas.entrySet()) {
      if (e.getValue().equals(schema)) {
        return e.getKey();
      }
    }
    int id = nextId++;
    schemas.put(id, schema);
    return id;
  }

  private boolean compatibleWithLatest(List<Integer> versions, Schema schema) {
    Schema latest = schemas.get(versions.get(versions.size() - 1));
    // BACKWARD: the new schema must read data written with the latest one.
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  private void call() {
    calls++;
    if (down) {
      throw new RegistryUnavailableException(
          "Schema registry at fake://registry unavailable: gave up after 1 attempt(s)",
          1,
          -1,
          -1,
          new java.net.ConnectException("Connection refused"));
    }
  }
}
