package dev.sieve.cli.label;

import static dev.sieve.cli.label.LabelFixtures.queued;
import static dev.sieve.cli.label.LabelFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OracleTest {

  private static final List<String> EMOTIONS = List.of("anger", "joy", "optimism", "sadness");

  @TempDir Path dir;

  private OracleAnswers answers() throws IOException {
    Path file = dir.resolve("answers.jsonl");
    Files.writeString(
        file,
        """
        {"id": "a-1", "text": "what a lovely day", "label": "joy", "split": "train"}

        {"id": "a-2", "text": "this is infuriating", "label": "anger"}
        {"id": "a-3", "text": "same text", "label": "joy"}
        {"id": "a-4", "text": "same text", "label": "sadness"}
        """);
    return OracleAnswers.load(file);
  }

  @Test
  void answersByIdThenByExactText() throws IOException {
    Oracle oracle = new Oracle(answers(), 0, 1);

    assertThat(oracle.decide(queued(request("a-2", "whatever", EMOTIONS).build())).label())
        .contains("anger");
    assertThat(
            oracle
                .decide(queued(request("other-id", "what a lovely day", EMOTIONS).build()))
                .label())
        .contains("joy");
  }

  @Test
  void cannotAnswerUnknownContentNorAmbiguousTextNorForeignClasses() throws IOException {
    Oracle oracle = new Oracle(answers(), 0, 1);

    Oracle.Verdict unknown = oracle.decide(queued(request("x", "never seen", EMOTIONS).build()));
    assertThat(unknown.label()).isEmpty();
    assertThat(unknown.reason()).isEqualTo("no answer for content id 'x' nor for its text");
    assertThat(oracle.decide(queued(request("y", "same text", EMOTIONS).build())).label())
        .isEmpty();
    Oracle.Verdict foreign =
        oracle.decide(queued(request("a-1", "what a lovely day", List.of("spam", "ham")).build()));
    assertThat(foreign.label()).isEmpty();
    assertThat(foreign.reason()).contains("'joy'").contains("[spam, ham]");
  }

  @Test
  void aWrongAnswerIsAnotherClassOfTheRequestAtAboutTheErrorRate() throws IOException {
    Oracle always = new Oracle(answers(), 1, 7);
    Oracle sometimes = new Oracle(answers(), 0.3, 7);
    QueuedRequest joy = queued(request("a-1", "what a lovely day", EMOTIONS).build());

    int wrong = 0;
    for (int i = 0; i < 1000; i++) {
      Oracle.Verdict v = always.decide(joy);
      assertThat(v.deliberatelyWrong()).isTrue();
      assertThat(v.label().orElseThrow()).isIn("anger", "optimism", "sadness");
      if (sometimes.decide(joy).deliberatelyWrong()) {
        wrong++;
      }
    }
    assertThat(wrong).isBetween(250, 350);
    assertThat(new Oracle(answers(), 0.3, 7).decide(joy))
        .isEqualTo(new Oracle(answers(), 0.3, 7).decide(joy)); // seeded: repeatable
  }

  @Test
  void aBadAnswersFileIsRefusedWithItsLine() throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"id\": \"a\", \"label\": \"joy\"}\n{\"id\": \"b\"}\n");
    assertThatThrownBy(() -> OracleAnswers.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ":2: no \"label\"");
    assertThatThrownBy(() -> new Oracle(answers(), 1.5, 1)).hasMessageContaining("between 0 and 1");
  }
}
