package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A line that is not UTF-8 is one bad line; the lines around it read as they are. */
class ByteLinesTest {

  @Test
  void splitsOnNewlinesAndDecodesEachLineOnItsOwn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mixed.jsonl");
    byte[] cafe = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[cafe.length + 12];
    System.arraycopy(cafe, 0, bytes, 0, cafe.length);
    byte[] rest = {'\r', '\n', (byte) 0xc3, '(', '\n', '\n', 'x', '\n', 'l', 'a', 's', 't'};
    System.arraycopy(rest, 0, bytes, cafe.length, rest.length);
    Files.write(file, bytes);

    List<String> lines = new ArrayList<>();
    try (ByteLines in = new ByteLines(file)) {
      for (byte[] line = in.next(); line != null; line = in.next()) {
        lines.add(String.valueOf(ByteLines.utf8(line)));
      }
    }
    assertThat(lines).containsExactly("caf\u00e9", "null", "", "x", "last");
  }
}
