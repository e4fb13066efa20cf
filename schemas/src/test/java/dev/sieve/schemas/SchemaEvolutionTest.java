package dev.sieve.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema must stay BACKWARD compatible (a consumer on the new schema reads data written with
 * the old one) with each committed earlier version under {@code schemas/history/<Name>/}. To change
 * a schema: edit {@code src/main/avro/<Name>.avsc}, then copy it to the next {@code vN.avsc} once
 * it is released.
 */
class SchemaEvolutionTest {

  private static final Path AVRO = Path.of("src/main/avro");
  private static final Path HISTORY = Path.of("history");

  static Stream<String> schemaNames() throws IOException {
    try (Stream<Path> files = Files.list(AVRO)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".avsc"))
          .map(n -> n.substring(0, n.length() - ".avsc".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("schemaNames")
  void readsEveryEarlierVersion(String name) throws IOException {
    Schema current = parse(AVRO.resolve(name + ".avsc"));
    List<Path> earlier = earlierVersions(name);
    assertThat(earlier)
        .as("a committed copy of %s under %s (history/%s/v1.avsc)", name, HISTORY, name)
        .isNotEmpty();

    for (Path previous : earlier) {
      var result =
          SchemaCompatibility.checkReaderWriterCompatibility(current, parse(previous)).getResult();
      assertThat(result.getCompatibility())
          .as(
              "%s must read data written with %s: %s",
              name, previous, result.getIncompatibilities())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest
  @MethodSource("schemaNames")
  void generatedClassMatchesTheSchemaFile(String name) throws Exception {
    Schema current = parse(AVRO.resolve(name + ".avsc"));
    Class<?> generated = Class.forName("dev.sieve.schemas." + name);
    Schema classSchema = (Schema) generated.getMethod("getClassSchema").invoke(null);
    // Parsing Canonical Form: the generated class adds Java-only properties (avro.java.string).
    assertThat(SchemaNormalization.toParsingForm(classSchema))
        .isEqualTo(SchemaNormalization.toParsingForm(current));
  }

  private static List<Path> earlierVersions(String name) throws IOException {
    Path dir = HISTORY.resolve(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
