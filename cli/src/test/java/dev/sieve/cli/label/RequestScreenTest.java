package dev.sieve.cli.label;

import static dev.sieve.cli.label.LabelFixtures.queued;
import static dev.sieve.cli.label.LabelFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestScreenTest {

  @Test
  void showsTextGuessReasonAndNumberedClassesWithScores() {
    QueuedRequest r =
        queued(
            request(
                    "sms-1",
                    "Free entry in 2 a wkly comp to win FA Cup final tkts",
                    List.of("spam", "ham"))
                .setStrategy("random")
                .setRandomShare(true)
                .build());

    List<String> lines = RequestScreen.render(r, 3, 60, true);

    assertThat(lines.get(0)).startsWith("-- request 3 - spam-filter - sms-1 ---").hasSize(60);
    assertThat(lines)
        .contains(
            "  | Free entry in 2 a wkly comp to win FA Cup final tkts",
            "  model v2 guesses spam (60%)",
            "  asked because: random 0.200 (random share: chosen at random, for an unbiased"
                + " accuracy estimate)",
            "  [1] spam 60%   [2] ham 40%",
            "  [s] skip   [u] unsure   [q] quit");
  }

  @Test
  void wrapsLongTextAndKeepsLineBreaks() {
    assertThat(RequestScreen.wrap("aaa bbb ccc\nddd", 7)).containsExactly("aaa bbb", "ccc", "ddd");
    assertThat(RequestScreen.wrap("abcdefghij", 4)).containsExactly("abcd", "efgh", "ij");
  }

  @Test
  void oldRequestsWithoutLabelsOfferTheirScoredClassesAlphabetically() {
    QueuedRequest r =
        queued(
            request("x", "t", List.of("b", "a"))
                .setLabels(List.of())
                .setScores(Map.of("b", 0.7, "a", 0.3))
                .build());
    assertThat(r.classes()).containsExactly("a", "b");
  }

  @Test
  void aRequestWithFewerThanTwoClassesCannotBeAnswered() {
    assertThatThrownBy(
            () -> queued(request("x", "t", List.of("only")).setScores(Map.of("only", 1.0)).build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "the request for content 'x' of classifier 'spam-filter' offers 1 class(es) to choose"
                + " from; at least 2 are needed");
  }
}
