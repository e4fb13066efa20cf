package dev.sieve.ingest.testing;

import dev.sieve.core.registry.SchemaNotFoundException;
import dev.sieve.core.registry.SchemaRegistryClient;
import dev.sieve.core.registry.SchemaVersion;
import dev.sieve.core.registry.SubjectNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** A hand-written in-memory schema registry for unit tests: ids from 1, no compatibility rules. */
public final class InMemoryRegistry implements SchemaRegistryClient {

  private final List<Schema> byId = new ArrayList<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    int id = byId.indexOf(schema) + 1;
    if (id == 0) {
      byId.add(schema);
      id = byId.size();
    }
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    int id = byId.indexOf(schema) + 1;
    if (id == 0 || !subjects.getOrDefault(subject, List.of()).contains(id)) {
      throw new SubjectNotFoundException("not registered: " + subject, 40401, 404);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > byId.size()) {
      throw new SchemaNotFoundException("no schema " + id, 40403, 404);
    }
    return byId.get(id - 1);
  }

  @Override
  public synchronized SchemaVersion latest(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SubjectNotFoundException("no subject " + subject, 40401, 404);
    }
    int id = versions.get(versions.size() - 1);
    return new SchemaVersion(subject, versions.size(), id, byId.get(id - 1));
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return true;
  }

  @Override
  public String compatibility(String subjectOrNull) {
    return "NONE";
  }

  @Override
  public void setCompatibility(String subjectOrNull, String level) {}
}
