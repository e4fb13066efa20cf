package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

  @Test
  void padsColumnsToTheWidestCellAndAlignsNumbersRight() {
    String table =
        new TextTable(List.of("NAME", "N"), false, true)
            .row("a", "1234")
            .row("longer", "5")
            .render("> ");
    assertThat(table).isEqualTo("> NAME       N\n> a       1234\n> longer     5\n");
  }

  @Test
  void refusesRowsOfTheWrongWidth() {
    assertThatThrownBy(() -> new TextTable(List.of("A", "B"), false, false).row("x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
