package dev.sieve.learning.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset file is read whole, or refused with the file and line of what is wrong. */
class LabelledTextsTest {

  @TempDir Path dir;

  @Test
  void readsEveryRowAndSplitsThem() throws IOException {
    Path file =
        write(
            "spam.jsonl",
            """
            {"id": "a", "text": "win now", "label": "spam", "split": "train"}

            {"id": "b", "text": "see you", "label": "ham", "split": "test"}
            """);

    LabelledTexts data = LabelledTexts.read(file);

    assertThat(data.name()).isEqualTo("spam");
    assertThat(data.split("train"))
        .containsExactly(new LabelledTexts.Row("a", "win now", "spam", "train"));
    assertThat(data.split("test")).extracting(LabelledTexts.Row::id).containsExactly("b");
  }

  @Test
  void aBadLineIsNamedByFileAndLine() throws IOException {
    String good = "{\"id\": \"a\", \"text\": \"t\", \"label\": \"x\", \"split\": \"train\"}\n";
    Path notJson = write("a.jsonl", good + "id,text,label\n");
    Path notObject = write("b.jsonl", good + good + "[1, 2]\n");
    Path missing = write("c.jsonl", "{\"id\": \"a\", \"text\": \"t\", \"label\": \"x\"}\n");

    assertThatThrownBy(() -> LabelledTexts.read(notJson))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(notJson + ":2: not JSON (");
    assertThatThrownBy(() -> LabelledTexts.read(notObject))
        .hasMessage(notObject + ":3: not a JSON object");
    assertThatThrownBy(() -> LabelledTexts.read(missing))
        .hasMessage(missing + ":1: missing field 'split'");
    assertThatThrownBy(() -> LabelledTexts.read(dir))
        .hasMessage(dir + ": is a directory, not a JSONL file");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
