package dev.sieve.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Sieve's own client of the Confluent Schema Registry REST API (which Apicurio Registry also
 * serves), over {@code java.net.http}: the official client ({@code io.confluent:*}) is not on Maven
 * Central. Ids are immutable in a registry, so schema → id (per subject) and id → schema are cached
 * for the life of the client and a serde asks the registry once per schema; the latest version,
 * compatibility answers and configuration are not cached, because they change.
 *
 * <p>Thread-safe. Transient failures are retried per {@link RegistryConfig}; then {@link
 * RegistryUnavailableException} is thrown.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient, AutoCloseable {

  private final RegistryConfig config;
  private final RegistryTransport transport;
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public RestSchemaRegistryClient(RegistryConfig config) {
    this.config = config;
    this.transport = new RegistryTransport(config);
  }

  /** A client of the registry at {@code url} with the default retry policy. */
  public static RestSchemaRegistryClient forUrl(String url) {
    return new RestSchemaRegistryClient(RegistryConfig.forUrl(url));
  }

  public RegistryConfig config() {
    return config;
  }

  /** HTTP requests sent so far, retries included; lets tests and metrics see the cache work. */
  public long requestsSent() {
    return transport.requestsSent();
  }

  @Override
  public int register(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        transport.send(
            "POST",
            "/subjects/" + encode(subject) + "/versions",
            Map.of("schema", schema.toString()),
            "registering a schema (" + schema.getFullName() + ") under subject '" + subject + "'");
    int id = requiredInt(answer, "id", "registering under subject '" + subject + "'");
    remember(subject, schema, id);
    return id;
  }

  @Override
  public int idOf(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        transport.send(
            "POST",
            "/subjects/" + encode(subject),
            Map.of("schema", schema.toString()),
            "looking up a schema (" + schema.getFullName() + ") under subject '" + subject + "'");
    int id = requiredInt(answer, "id", "looking up under subject '" + subject + "'");
    remember(subject, schema, id);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String what = "fetching schema id " + id;
    JsonNode answer = transport.send("GET", "/schemas/ids/" + id, null, what);
    Schema schema = parseAvro(answer, what);
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced != null ? raced : schema;
  }

  @Override
  public SchemaVersion latest(String subject) {
    String what = "fetching the latest version of subject '" + subject + "'";
    JsonNode answer =
        transport.send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, what);
    int id = requiredInt(answer, "id", what);
    Schema schema = schemasById.computeIfAbsent(id, unused -> parseAvro(answer, what));
    return new SchemaVersion(subject, requiredInt(answer, "version", what), id, schema);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    String what = "checking compatibility of a schema with subject '" + subject + "'";
    try {
      JsonNode answer =
          transport.send(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              Map.of("schema", schema.toString()),
              what);
      JsonNode flag = answer.get("is_compatible");
      if (flag == null || !flag.isBoolean()) {
        throw new SchemaRegistryException(
            "unexpected answer while " + what + ": " + answer, -1, 200);
      }
      return flag.asBoolean();
    } catch (SubjectNotFoundException | VersionNotFoundException e) {
      // Nothing registered yet: the first version is compatible by definition.
      return true;
    }
  }

  @Override
  public String compatibility(String subjectOrNull) {
    if (subjectOrNull != null) {
      try {
        JsonNode answer =
            transport.send(
                "GET",
                "/config/" + encode(subjectOrNull) + "?defaultToGlobal=true",
                null,
                "reading the compatibility level of subject '" + subjectOrNull + "'");
        String level = level(answer);
        if (level != null) {
          return level;
        }
      } catch (SubjectNotFoundException e) {
        // No subject-level setting (or no subject yet): the global level applies.
      } catch (SchemaRegistryException e) {
        // Confluent answers 40408 "subject has no compatibility level" on older versions.
        if (e.errorCode() != 40408) {
          throw e;
        }
      }
    }
    JsonNode global =
        transport.send("GET", "/config", null, "reading the global compatibility level");
    String level = level(global);
    if (level == null) {
      throw new SchemaRegistryException(
          "unexpected answer while reading the global compatibility level: " + global, -1, 200);
    }
    return level;
  }

  @Override
  public void setCompatibility(String subjectOrNull, String level) {
    String path = subjectOrNull == null ? "/config" : "/config/" + encode(subjectOrNull);
    transport.send(
        "PUT",
        path,
        Map.of("compatibility", level),
        "setting compatibility "
            + level
            + (subjectOrNull == null ? " globally" : " on subject '" + subjectOrNull + "'"));
  }

  /** Forgets the caches; the HTTP client's threads end on their own when it is unreachable. */
  @Override
  public void close() {
    idsBySubject.clear();
    schemasById.clear();
  }

  @Override
  public String toString() {
    return "RestSchemaRegistryClient[" + config + "]";
  }

  private Integer cachedId(String subject, Schema schema) {
    Map<Schema, Integer> ids = idsBySubject.get(subject);
    return ids == null ? null : ids.get(schema);
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, unused -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private static String level(JsonNode answer) {
    // Confluent answers {"compatibilityLevel": ...} on GET and {"compatibility": ...} on PUT.
    for (String field : new String[] {"compatibilityLevel", "compatibility"}) {
      JsonNode node = answer.get(field);
      if (node != null && node.isTextual()) {
        return node.asText();
      }
    }
    return null;
  }

  private static Schema parseAvro(JsonNode answer, String what) {
    JsonNode type = answer.get("schemaType");
    if (type != null && type.isTextual() && !"AVRO".equalsIgnoreCase(type.asText())) {
      throw new NotAvroSchemaException(
          "expected an AVRO schema while " + what + ", the registry has " + type.asText(), null);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(
          "unexpected answer while " + what + " (no schema): " + answer, -1, 200);
    }
    try {
      // A fresh parser each time: a parser remembers named types and would reject a second
      // definition of the same record.
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new NotAvroSchemaException(
          "the registry returned an unparseable Avro schema while " + what + ": " + e.getMessage(),
          e);
    }
  }

  private static int requiredInt(JsonNode answer, String field, String what) {
    JsonNode node = answer.get(field);
    if (node == null || !node.canConvertToInt()) {
      throw new SchemaRegistryException(
          "unexpected answer while " + what + " (no '" + field + "'): " + answer, -1, 200);
    }
    return node.asInt();
  }

  private static String encode(String subject) {
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be null or blank");
    }
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
