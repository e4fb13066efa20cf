package dev.sieve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo corpus bundled with the CLI: short customer messages we wrote ourselves, one JSON object
 * a line ({@code id}, {@code text}, {@code label}). Evaluation datasets live outside the repository.
 */
record DemoCorpus(List<Item> items) {

  /** One message and the class a human would give it. */
  record Item(String id, String text, String label) {}

  static DemoCorpus load() {
    ObjectMapper json = new ObjectMapper();
    List<Item> items = new ArrayList<>();
    try (InputStream in = DemoCorpus.class.getResourceAsStream("/demo/corpus.jsonl");
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          JsonNode node = json.readTree(line);
          items.add(
              new Item(node.get("id").asText(), node.get("text").asText(), node.get("label").asText()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled demo corpus", e);
    }
    return new DemoCorpus(List.copyOf(items));
  }
}
