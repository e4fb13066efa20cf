package dev.sieve.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sieve.core.content.Checked;
import dev.sieve.core.content.ContentNormalizer;
import dev.sieve.schemas.ContentEvent;
import java.util.List;

/**
 * One line of a labelled JSON-lines file, as {@code sieve import} reads it: {@code id} (a string or
 * a whole number), {@code text} and {@code label}, and optionally {@code labeledAtMs}; other fields
 * ({@code split} of the shared datasets, {@code labeler} of an export) are ignored, so a file
 * {@code sieve export} wrote imports as it is.
 *
 * <p>The id and text go through ingest-job's own {@link ContentNormalizer} with its default caps,
 * so an imported example carries the text the jobs would have stored for the same content (control
 * characters out, NFC, trimmed, cut at 2,000 characters) and what ingest-job would dead-letter (a
 * blank text, an id over {@value ContentNormalizer#MAX_ID_CHARS} characters, a text over 20,000) is
 * refused here.
 */
final class LabelledLine {

  /**
   * ingest-job's default soft cap ({@code IngestConfig.DEFAULT_SOFT_CAP}): longer texts are cut.
   */
  static final int SOFT_CAP_CHARS = 2_000;

  /** ingest-job's default hard cap ({@code IngestConfig.DEFAULT_HARD_CAP}): longer are refused. */
  static final int HARD_CAP_CHARS = 20_000;

  private static final ContentNormalizer NORMALIZER =
      new ContentNormalizer(SOFT_CAP_CHARS, HARD_CAP_CHARS);

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** A usable example (problem null), or why the line is skipped. */
  record Parsed(String id, String text, String label, Long labeledAtMs, String problem) {
    boolean ok() {
      return problem == null;
    }

    static Parsed skip(String problem) {
      return new Parsed(null, null, null, null, problem);
    }
  }

  private LabelledLine() {}

  /**
   * @param labels the classifier's labels: any other label is refused
   */
  static Parsed parse(String line, List<String> labels) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return Parsed.skip("invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return Parsed.skip(
          "not a JSON object: a line must look like {\"id\": ..., \"text\": ..., \"label\": ...}");
    }
    JsonNode id = node.get("id");
    if (id == null || id.isNull()) {
      return Parsed.skip("no \"id\"");
    }
    if (!id.isTextual() && !id.isIntegralNumber()) {
      return Parsed.skip("\"id\" is not a string or a whole number");
    }
    String text = string(node, "text");
    if (text == null) {
      return Parsed.skip("no \"text\" string");
    }
    String label = string(node, "label");
    if (label == null || label.isBlank()) {
      return Parsed.skip("no \"label\" string");
    }
    if (!labels.contains(label)) {
      return Parsed.skip(
          "label '"
              + label
              + "' is not one of the classifier's labels ("
              + String.join(", ", labels)
              + ")");
    }
    JsonNode at = node.get("labeledAtMs");
    if (at != null
        && !at.isNull()
        && !(at.isIntegralNumber() && at.canConvertToLong() && at.asLong() >= 0)) {
      return Parsed.skip("\"labeledAtMs\" is not a whole number of epoch milliseconds");
    }
    Checked<ContentEvent> content =
        NORMALIZER.normalize(
            ContentEvent.newBuilder().setId(id.asText()).setText(text).build(), -1);
    if (!content.isOk()) {
      return Parsed.skip(content.message());
    }
    return new Parsed(
        content.value().getId(),
        content.value().getText(),
        label,
        at == null || at.isNull() ? null : at.asLong(),
        null);
  }

  private static String string(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
