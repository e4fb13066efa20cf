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
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo corpus bundled with the CLI: short customer messages we wrote ourselves, one JSON object
 * a line ({@code id}, {@code text}, {@code label}). Evaluation datasets live outside the repository.
 */
record DemoCorpus(List<Item> items) {

  /** The demo classifier's classes, and how a person would describe each (for zero-shot). */
  static final List<String> LABELS = List.of("billing", "shipping", "bug", "praise");

  static final List<String> DESCRIPTIONS =
      List.of(
          "A question or complaint about payments, charges, invoices, refunds or prices.",
          "A question or complaint about delivery, parcels, tracking or shipping addresses.",
          "A report that the app or website is broken, crashes or shows an error.",
          "A compliment, thanks or praise for the product or the service.");

  /** One message and the class a human would give it. */
  record Item(String id, String text, String label) {}

  /** Content id → the label a human gave it. */
  Map<String, String> labels() {
    return items.stream().collect(Collectors.toUnmodifiableMap(Item::id, Item::label));
  }

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
