package dev.sieve.core.serde;

import dev.sieve.core.registry.NotAvroSchemaException;
import dev.sieve.core.registry.SchemaNotFoundException;
import dev.sieve.core.registry.SchemaRegistryClient;
import dev.sieve.core.registry.Subjects;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one Avro record class in the Confluent wire format (see {@link
 * ConfluentWireFormat}). Encoding registers the class's schema under the topic's subject once and
 * caches the id; decoding fetches the writer schema by the id in the bytes (cached) and resolves it
 * against the class's schema, so records written with an older or newer compatible schema read as
 * the current class, with defaults filled in.
 *
 * <p>Decode failures that are the data's fault throw {@link AvroDecodeException} with a reason:
 * only what a reachable registry said about the id (no such id: {@code UNKNOWN_SCHEMA_ID}; a schema
 * of another type or record: {@code WRONG_RECORD_TYPE}) or the bytes themselves. Every other
 * registry failure (outage, {@code RegistryUnavailableException}; refused credentials; a wrong URL
 * answering a bare 404) passes through untouched, because good data must not be dead-lettered while
 * the registry cannot answer. Thread-safe.
 */
public final class ConfluentAvroCodec<T extends SpecificRecord> {

  private final SchemaRegistryClient registry;
  private final Class<T> type;
  private final boolean autoRegister;
  private final SpecificData model;
  private final Schema readerSchema;
  private final DatumWriter<T> writer;
  private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Resolution<T>> readersById = new ConcurrentHashMap<>();

  /** A codec that registers the class's schema on first use (Confluent's default). */
  public ConfluentAvroCodec(SchemaRegistryClient registry, Class<T> type) {
    this(registry, type, true);
  }

  /**
   * @param autoRegister register the writer schema if missing; if false, it must already be
   *     registered under the subject (for producers that may not change schemas)
   */
  public ConfluentAvroCodec(SchemaRegistryClient registry, Class<T> type, boolean autoRegister) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.type = Objects.requireNonNull(type, "type");
    this.autoRegister = autoRegister;
    // The class's own model: it loads generated classes through the class's loader, which matters
    // under Flink's child-first class loading.
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(readerSchema, model);
  }

  /** Reads the schema id of Confluent-framed bytes (see {@link ConfluentWireFormat#schemaId}). */
  public static int schemaIdOf(byte[] bytes) {
    return ConfluentWireFormat.schemaId(bytes);
  }

  public Class<T> type() {
    return type;
  }

  public Schema schema() {
    return readerSchema;
  }

  /** Encodes {@code value} for {@code topic}, its schema under subject {@code <topic>-value}. */
  public byte[] encode(String topic, T value) {
    return encodeForSubject(Subjects.value(topic), value);
  }

  /** Encodes {@code value} with its schema registered (or looked up) under {@code subject}. */
  public byte[] encodeForSubject(String subject, T value) {
    Objects.requireNonNull(value, "value");
    int id = idsBySubject.computeIfAbsent(subject, this::schemaIdFor);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(ConfluentWireFormat.MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes Confluent-framed bytes as a {@code T}.
   *
   * @throws AvroDecodeException when the bytes are not a readable {@code T}
   * @throws dev.sieve.core.registry.RegistryUnavailableException when the registry is down
   */
  public T decode(byte[] bytes) {
    int id = ConfluentWireFormat.schemaId(bytes);
    Resolution<T> resolution = readersById.get(id);
    if (resolution == null) {
      resolution = resolve(id);
      readersById.putIfAbsent(id, resolution);
    }
    if (resolution.reader() == null) {
      throw new AvroDecodeException(
          AvroDecodeException.Reason.WRONG_RECORD_TYPE, id, resolution.incompatibility());
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                bytes,
                ConfluentWireFormat.HEADER_SIZE,
                bytes.length - ConfluentWireFormat.HEADER_SIZE,
                null);
    BoundedBinaryDecoder bounded = new BoundedBinaryDecoder(decoder);
    T value;
    try {
      value = resolution.reader().read(null, bounded);
    } catch (IOException | RuntimeException e) {
      // EOFException for truncated bytes; AvroRuntimeException for lengths and counts beyond the
      // record (BoundedBinaryDecoder) and bad union indexes; IndexOutOfBounds for corrupt enums.
      throw new AvroDecodeException(
          e instanceof EOFException
              ? AvroDecodeException.Reason.TRUNCATED
              : AvroDecodeException.Reason.MALFORMED_AVRO,
          id,
          "cannot read "
              + (bytes.length - ConfluentWireFormat.HEADER_SIZE)
              + " Avro bytes with writer schema id "
              + id
              + " as "
              + readerSchema.getFullName()
              + ": "
              + e,
          e);
    }
    int trailing = remaining(decoder);
    if (trailing > 0) {
      throw new AvroDecodeException(
          AvroDecodeException.Reason.MALFORMED_AVRO,
          id,
          trailing
              + " trailing byte(s) after a complete "
              + readerSchema.getFullName()
              + " (writer schema id "
              + id
              + "): the body is not one record of that schema");
    }
    return value;
  }

  private int schemaIdFor(String subject) {
    return autoRegister
        ? registry.register(subject, readerSchema)
        : registry.idOf(subject, readerSchema);
  }

  private Resolution<T> resolve(int id) {
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (SchemaNotFoundException e) {
      // Not cached: the id may be registered later (a producer in another region, a restore).
      throw new AvroDecodeException(
          AvroDecodeException.Reason.UNKNOWN_SCHEMA_ID,
          id,
          "the registry has no schema with id " + id + " (" + e.getMessage() + ")",
          e);
    } catch (NotAvroSchemaException e) {
      // A property of the id, like an incompatible writer: cached, the answer will not change.
      return new Resolution<>(
          null, "writer schema id " + id + " is not a readable Avro schema: " + e.getMessage());
    }
    SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String why =
          compatibility.getResult().getIncompatibilities().stream()
              .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
              .collect(Collectors.joining("; "));
      return new Resolution<>(
          null,
          "writer schema id "
              + id
              + " ("
              + writerSchema.getFullName()
              + ") cannot be read as "
              + readerSchema.getFullName()
              + ": "
              + why);
    }
    DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
    return new Resolution<>(reader, null);
  }

  private static int remaining(BinaryDecoder decoder) {
    try {
      return decoder.isEnd() ? 0 : Math.max(1, decoder.inputStream().available());
    } catch (IOException e) {
      return 1;
    }
  }

  /** Either a resolving reader for a writer id, or why that writer cannot be read. */
  private record Resolution<T>(DatumReader<T> reader, String incompatibility) {}
}
