package dev.sieve.cli.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.schemas.LabelRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The true labels an oracle answers with, from a labelled JSONL file ({@code {"id": ..., "text":
 * ..., "label": ...}} a line, the format of the shared datasets). A request is looked up by its
 * content id, and failing that by its exact text, so the oracle also answers content that was
 * produced under other ids. A text that appears with two different labels is not answered by text.
 */
public final class OracleAnswers {

  /** One labelled example. {@code id} may be null: the example is then found by text only. */
  public record Example(String id, String text, String label) {}

  private final Map<String, String> byId = new HashMap<>();
  private final Map<String, String> byText = new HashMap<>();
  private final Set<String> ambiguousTexts = new HashSet<>();

  private OracleAnswers(Collection<Example> examples) {
    for (Example e : examples) {
      if (e.id() != null) {
        byId.put(e.id(), e.label());
      }
      if (e.text() != null && !ambiguousTexts.contains(e.text())) {
        String previous = byText.putIfAbsent(e.text(), e.label());
        if (previous != null && !previous.equals(e.label())) {
          byText.remove(e.text());
          ambiguousTexts.add(e.text());
        }
      }
    }
  }

  public static OracleAnswers of(Collection<Example> examples) {
    return new OracleAnswers(examples);
  }

  /**
   * Reads a JSONL file. Blank lines are skipped; every other line must be a JSON object with a
   * string {@code label} and an {@code id} or a {@code text}.
   *
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  public static OracleAnswers load(Path jsonl) {
    ObjectMapper json = new ObjectMapper();
    List<Example> examples = new ArrayList<>();
    try (BufferedReader lines = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        examples.add(parse(json, line, jsonl + ":" + number));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the answers file " + jsonl + ": " + e, e);
    }
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("the answers file " + jsonl + " has no examples");
    }
    return new OracleAnswers(examples);
  }

  private static Example parse(ObjectMapper json, String line, String where) {
    JsonNode node;
    try {
      node = json.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a JSON object a line");
    }
    String label = text(node, "label");
    String id = text(node, "id");
    String text = text(node, "text");
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException(where + ": no \"label\"");
    }
    if (id == null && text == null) {
      throw new IllegalArgumentException(where + ": neither \"id\" nor \"text\"");
    }
    return new Example(id, text, label);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** The true label of the request's content: by content id, else by exact text. */
  public Optional<String> lookup(LabelRequest request) {
    String label = byId.get(request.getContentId());
    if (label == null && request.getText() != null) {
      label = byText.get(request.getText());
    }
    return Optional.ofNullable(label);
  }

  /** How many content ids have an answer. */
  public int size() {
    return byId.size();
  }
}
