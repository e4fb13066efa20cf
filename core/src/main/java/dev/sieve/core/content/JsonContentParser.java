package dev.sieve.core.content;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sieve.schemas.ContentEvent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the JSON form of a content event: an object with {@code id} and {@code text}, and
 * optionally {@code source}, {@code timestampMs} and {@code attributes} (an object of scalar
 * values). Other fields are ignored, so producers may send more than Sieve reads. Thread-safe.
 */
public final class JsonContentParser {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * Parses {@code json}.
   *
   * @param looksLikeJson the text starts with '{' or '[', so a parse failure is {@link
   *     RejectReason#MALFORMED_JSON} rather than {@link RejectReason#NOT_AVRO_OR_JSON}
   */
  public Checked<ContentEvent> parse(String json, boolean looksLikeJson) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return looksLikeJson
          ? Checked.rejected(RejectReason.MALFORMED_JSON, "invalid JSON: " + e.getOriginalMessage())
          : Checked.rejected(
              RejectReason.NOT_AVRO_OR_JSON,
              "neither Confluent-framed Avro (first byte 0) nor JSON: " + preview(json));
    }
    if (node == null || node.isMissingNode()) {
      return Checked.rejected(RejectReason.NOT_AVRO_OR_JSON, "no JSON value in the record");
    }
    if (!node.isObject()) {
      return Checked.rejected(
          RejectReason.JSON_NOT_OBJECT,
          "expected a JSON object with id and text, got a JSON " + node.getNodeType());
    }
    return fromObject(node);
  }

  private static Checked<ContentEvent> fromObject(JsonNode object) {
    JsonNode id = object.get("id");
    if (id == null) {
      return Checked.rejected(RejectReason.MISSING_ID, "the JSON object has no \"id\" field");
    }
    if (id.isNull()) {
      return Checked.rejected(RejectReason.EMPTY_ID, "\"id\" is null");
    }
    if (!id.isTextual() && !id.isIntegralNumber()) {
      return invalid("id", "a string or a whole number", id);
    }
    JsonNode text = object.get("text");
    if (text == null) {
      return Checked.rejected(RejectReason.MISSING_TEXT, "the JSON object has no \"text\" field");
    }
    if (text.isNull()) {
      return Checked.rejected(RejectReason.EMPTY_TEXT, "\"text\" is null");
    }
    if (!text.isTextual()) {
      return invalid("text", "a string", text);
    }
    ContentEvent.Builder event =
        ContentEvent.newBuilder().setId(id.asText()).setText(text.textValue());

    JsonNode source = object.get("source");
    if (source != null && !source.isNull()) {
      if (!source.isTextual()) {
        return invalid("source", "a string", source);
      }
      event.setSource(source.textValue());
    }
    JsonNode timestamp = object.get("timestampMs");
    if (timestamp != null && !timestamp.isNull()) {
      if (!timestamp.isIntegralNumber() || !timestamp.canConvertToLong()) {
        return invalid("timestampMs", "epoch milliseconds (a whole number)", timestamp);
      }
      event.setTimestampMs(timestamp.longValue());
    }
    Map<String, String> attributes = new HashMap<>();
    JsonNode attrs = object.get("attributes");
    if (attrs != null && !attrs.isNull()) {
      if (!attrs.isObject()) {
        return invalid("attributes", "an object", attrs);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> attr = it.next();
        if (!attr.getValue().isValueNode() || attr.getValue().isNull()) {
          return invalid(
              "attributes." + attr.getKey(), "a string, number or boolean", attr.getValue());
        }
        attributes.put(attr.getKey(), attr.getValue().asText());
      }
    }
    return Checked.ok(event.setAttributes(attributes).build());
  }

  private static Checked<ContentEvent> invalid(String field, String expected, JsonNode actual) {
    return Checked.rejected(
        RejectReason.INVALID_FIELD,
        "\"" + field + "\" must be " + expected + ", got a JSON " + actual.getNodeType());
  }

  private static String preview(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 40 ? "\"" + oneLine + "\"" : "\"" + oneLine.substring(0, 40) + "…\"";
  }
}
