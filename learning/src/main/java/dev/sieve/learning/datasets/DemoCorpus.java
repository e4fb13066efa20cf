package dev.sieve.learning.datasets;

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
 * a line ({@code id}, {@code text}, {@code label}, {@code phase}), in the order the demo streams
 * them. Phase 1 is a web shop's customers (orders, refunds, parcels, the website); phase 2 comes
 * after the company launched smart-home devices and a subscription app, so the vocabulary, the
 * class mix (mostly device bugs) and the hard cases change: parcel detection and energy-cost
 * features that break, replacements that must be shipped, refunds for faulty devices. That shift is
 * what makes drift alerts, a retraining and a model swap happen in the demo; DemoCorpusTest
 * measures it with the real model. Evaluation datasets live outside the repository.
 */
public record DemoCorpus(List<Item> items) {

  /** The demo classifier's classes, and how a person would describe each (for zero-shot). */
  public static final List<String> LABELS = List.of("billing", "shipping", "bug", "praise");

  public static final List<String> DESCRIPTIONS =
      List.of(
          "A question or complaint about payments, charges, invoices, refunds or prices.",
          "A question or complaint about delivery, parcels, tracking or shipping addresses.",
          "A report that the app or website is broken, crashes or shows an error.",
          "A compliment, thanks or praise for the product or the service.");

  /** The web shop, before the shift. */
  public static final int BEFORE_SHIFT = 1;

  /** Smart-home devices and a subscription app, after the shift. */
  public static final int AFTER_SHIFT = 2;

  /** One message, the class a human would give it, and the phase of the stream it belongs to. */
  public record Item(String id, String text, String label, int phase) {}

  /** Content id → the label a human gave it. */
  public Map<String, String> labels() {
    return items.stream().collect(Collectors.toUnmodifiableMap(Item::id, Item::label));
  }

  /** The items of one phase, in stream order. */
  public List<Item> phase(int phase) {
    return items.stream().filter(item -> item.phase() == phase).toList();
  }

  public static DemoCorpus load() {
    ObjectMapper json = new ObjectMapper();
    List<Item> items = new ArrayList<>();
    try (InputStream in = DemoCorpus.class.getResourceAsStream("demo-corpus.jsonl");
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          JsonNode node = json.readTree(line);
          items.add(
              new Item(
                  node.get("id").asText(),
                  node.get("text").asText(),
                  node.get("label").asText(),
                  node.get("phase").asInt()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled demo corpus", e);
    }
    return new DemoCorpus(List.copyOf(items));
  }
}
