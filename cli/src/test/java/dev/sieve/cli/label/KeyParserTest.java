package dev.sieve.cli.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.label.KeyParser.Choice;
import dev.sieve.cli.label.KeyParser.Incomplete;
import dev.sieve.cli.label.KeyParser.Invalid;
import dev.sieve.cli.label.KeyParser.Quit;
import dev.sieve.cli.label.KeyParser.Skip;
import dev.sieve.cli.label.KeyParser.Unsure;
import org.junit.jupiter.api.Test;

class KeyParserTest {

  @Test
  void aDigitChoosesAtOnceWhenNoLongerClassNumberStartsWithIt() {
    assertThat(KeyParser.parse("", "2", 4, true)).isEqualTo(new Choice(2));
    assertThat(KeyParser.parse("", "5", 4, true)).isInstanceOf(Invalid.class);
    assertThat(KeyParser.parse("", "0", 4, true)).isInstanceOf(Invalid.class);
  }

  @Test
  void withMoreThanNineClassesADigitWaitsForTheNextOrEnter() {
    assertThat(KeyParser.parse("", "1", 12, true)).isEqualTo(new Incomplete("1"));
    assertThat(KeyParser.parse("1", "2", 12, true)).isEqualTo(new Choice(12));
    assertThat(KeyParser.parse("1", "\n", 12, true)).isEqualTo(new Choice(1));
    assertThat(KeyParser.parse("1", "3", 12, true)).isInstanceOf(Invalid.class);
    assertThat(KeyParser.parse("", "2", 12, true)).isEqualTo(new Choice(2));
  }

  @Test
  void linesCarryWholeNumbersAndWords() {
    assertThat(KeyParser.parse("", "12", 12, false)).isEqualTo(new Choice(12));
    assertThat(KeyParser.parse("", " 3 ", 4, false)).isEqualTo(new Choice(3));
    assertThat(KeyParser.parse("", "13", 12, false)).isInstanceOf(Invalid.class);
    assertThat(KeyParser.parse("", "S", 2, false)).isInstanceOf(Skip.class);
    assertThat(KeyParser.parse("", "unsure", 2, false)).isInstanceOf(Unsure.class);
    assertThat(KeyParser.parse("", "q", 2, false)).isInstanceOf(Quit.class);
    assertThat(KeyParser.parse("", "spam", 2, false)).isInstanceOf(Invalid.class);
  }
}
