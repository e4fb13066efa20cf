package dev.sieve.learning.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An evaluation dataset in the shared JSONL form: one object a line with {@code id}, {@code text},
 * {@code label} and {@code split} ({@code train} or {@code test}). Read from a path given at run
 * time; the datasets are never part of the project.
 */
public record LabelledTexts(String name, List<Row> rows) {

  /** One labelled text. */
  public record Row(String id, String text, String label, String split) {}

  /**
   * Reads the whole file; a line that is not a JSON object with the four fields fails the read with
   * the file and line in the message.
   */
  public static LabelledTexts read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not a JSONL file");
    }
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = json.readTree(line);
        } catch (JsonProcessingException e) {
          throw new IOException(
              file + ":" + lineNo + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (!node.isObject()) {
          throw new IOException(file + ":" + lineNo + ": not a JSON object");
        }
        for (String field : List.of("id", "text", "label", "split")) {
          if (!node.hasNonNull(field)) {
            throw new IOException(file + ":" + lineNo + ": missing field '" + field + "'");
          }
        }
        rows.add(
            new Row(
                node.get("id").asText(),
                node.get("text").asText(),
                node.get("label").asText(),
                node.get("split").asText()));
      }
    }
    String name = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
    return new LabelledTexts(name, List.copyOf(rows));
  }

  /** The rows of one split, in file order. */
  public List<Row> split(String split) {
    return rows.stream().filter(r -> r.split().equals(split)).toList();
  }
}
