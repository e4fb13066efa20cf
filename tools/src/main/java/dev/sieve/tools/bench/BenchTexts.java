package dev.sieve.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Real user-generated texts for benchmarks: every text of the labelled datasets in a folder (one
 * JSON object a line with a {@code text} field), shuffled with a fixed seed. The datasets are the
 * user's argument: none ship with Sieve.
 */
public final class BenchTexts {

  private BenchTexts() {}

  public static List<String> load(Path folder, int count) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException(
          "no dataset folder at " + folder + " (give one with --datasets)");
    }
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        try (BufferedReader lines = Files.newBufferedReader(file)) {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.isBlank()) {
              texts.add(json.readTree(line).get("text").asText());
            }
          }
        }
      }
    }
    if (texts.size() < count) {
      throw new IllegalArgumentException(
          "asked for " + count + " texts but " + folder + " holds only " + texts.size());
    }
    Collections.shuffle(texts, new Random(42));
    return List.copyOf(texts.subList(0, count));
  }
}
