package dev.sieve.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One row of a shared JSONL dataset ({@code text}, {@code label}, {@code split}). */
record LabelledText(String text, String label, String split) {

  static List<LabelledText> read(Path jsonl) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<LabelledText> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = mapper.readTree(line);
        rows.add(
            new LabelledText(
                n.get("text").asText(), n.get("label").asText(), n.get("split").asText()));
      }
    }
    return rows;
  }
}
