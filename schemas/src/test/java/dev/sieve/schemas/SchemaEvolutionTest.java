package dev.sieve.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The history of every schema, {@code history/<Name>/v1.avsc, v2.avsc, …}: each released version,
 * recovered from git ({@code git log --follow -p schemas/src/main/avro/<Name>.avsc}). Consecutive
 * versions must be compatible both ways: BACKWARD (a consumer on the new version reads data written
 * with the old one) and FORWARD (a consumer still on the old version reads data written with the
 * new one), since producers and consumers of a topic are upgraded one at a time. The current file
 * must be the newest version, so that changing a schema forces adding the next one.
 *
 * <p>As recovered, every history has a single version: no schema has changed since it was first
 * committed (ten in be96609, ModelAlert in 63ed1fc, LiveAccuracy in 2bb14ad). The pairwise checks
 * therefore have nothing to compare yet; {@link #theChecksCatchAnIncompatibleChange} shows, on a
 * made-up change, that they fail when a version breaks the rule.
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
  void historyIsNumberedFromOneWithoutGaps(String name) throws IOException {
    assertThat(versions(name).stream().map(p -> p.getFileName().toString()))
        .as("history/%s", name)
        .isNotEmpty()
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, versions(name).size())
                .mapToObj(n -> "v" + n + ".avsc")
                .toList());
  }

  @ParameterizedTest
  @MethodSource("schemaNames")
  void currentSchemaIsTheNewestVersion(String name) throws IOException {
    List<Path> versions = versions(name);
    Path newest = versions.get(versions.size() - 1);
    // The full schema (docs, defaults, order), not only the parsing form: any edit is a version.
    assertThat(parse(AVRO.resolve(name + ".avsc")).toString(true))
        .as("%s changed: add it as history/%s/v%d.avsc", name, name, versions.size() + 1)
        .isEqualTo(parse(newest).toString(true));
  }

  @ParameterizedTest
  @MethodSource("schemaNames")
  void consecutiveVersionsAreBackwardAndForwardCompatible(String name) throws IOException {
    List<Path> versions = versions(name);
    for (int i = 1; i < versions.size(); i++) {
      Schema older = parse(versions.get(i - 1));
      Schema newer = parse(versions.get(i));
      String step = name + " " + versions.get(i - 1) + " -> " + versions.get(i);
      assertReads(newer, older, "BACKWARD: " + step);
      assertReads(older, newer, "FORWARD: " + step);
    }
  }

  /** Data written with any earlier version may still be on a topic: the current one reads it. */
  @ParameterizedTest
  @MethodSource("schemaNames")
  void currentSchemaReadsEveryVersion(String name) throws IOException {
    Schema current = parse(AVRO.resolve(name + ".avsc"));
    for (Path version : versions(name)) {
      assertReads(current, parse(version), "BACKWARD: " + name + " current <- " + version);
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

  /**
   * A next version of ContentEvent with a new field and no default: old data has no value for it,
   * so BACKWARD fails; old readers ignore it, so FORWARD holds. Removing that field again is the
   * mirror image. The same check as the history's, on a change that must not pass.
   */
  @Test
  void theChecksCatchAnIncompatibleChange() throws IOException {
    Schema current = parse(AVRO.resolve("ContentEvent.avsc"));
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field("language", Schema.create(Schema.Type.STRING), "no default"));
    Schema withRequiredField =
        Schema.createRecord(
            current.getName(), current.getDoc(), current.getNamespace(), false, fields);

    assertThat(compatibility(withRequiredField, current))
        .as("BACKWARD")
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    assertThat(compatibility(current, withRequiredField))
        .as("FORWARD")
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static void assertReads(Schema reader, Schema writer, String what) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    assertThat(result.getCompatibility())
        .as("%s: %s", what, result.getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
        .getResult()
        .getCompatibility();
  }

  /** history/<name>/v*.avsc in version order (v10 after v9). */
  private static List<Path> versions(String name) throws IOException {
    Path dir = HISTORY.resolve(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
          .sorted(Comparator.comparingInt(SchemaEvolutionTest::number))
          .toList();
    }
  }

  private static int number(Path version) {
    String file = version.getFileName().toString();
    return Integer.parseInt(file.substring(1, file.length() - ".avsc".length()));
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
