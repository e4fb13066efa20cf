package dev.sieve.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as one line of plain JSON, for {@code sieve tail --json}: fields in schema order,
 * unions as their value (no {@code {"string": ...}} wrapper), bytes as base64, and NaN or infinite
 * numbers as null (JSON has no NaN; Sieve uses NaN for "not measured yet").
 *
 * <p>Hand-written because Avro's own {@code JsonEncoder} wraps every union value in an object named
 * by its branch, and {@code GenericData.toString} writes NaN, which no JSON parser reads.
 */
final class AvroJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  static String toJson(IndexedRecord record) {
    try {
      return MAPPER.writeValueAsString(node(record, record.getSchema()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  static JsonNode node(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    return switch (schema.getType()) {
      case RECORD -> {
        IndexedRecord record = (IndexedRecord) value;
        ObjectNode object = NODES.objectNode();
        for (Schema.Field field : schema.getFields()) {
          object.set(field.name(), node(record.get(field.pos()), field.schema()));
        }
        yield object;
      }
      case UNION ->
          node(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
      case MAP -> {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          object.set(entry.getKey().toString(), node(entry.getValue(), schema.getValueType()));
        }
        yield object;
      }
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          array.add(node(item, schema.getElementType()));
        }
        yield array;
      }
      case BYTES -> {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        yield NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      }
      case FIXED ->
          NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
      case STRING, ENUM -> NODES.textNode(value.toString());
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> finite((Float) value) ? NODES.numberNode((Float) value) : NODES.nullNode();
      case DOUBLE -> finite((Double) value) ? NODES.numberNode((Double) value) : NODES.nullNode();
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case NULL -> NODES.nullNode();
    };
  }

  private static boolean finite(double d) {
    return !Double.isNaN(d) && !Double.isInfinite(d);
  }
}
