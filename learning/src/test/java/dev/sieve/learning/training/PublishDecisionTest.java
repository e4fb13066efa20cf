package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PublishDecisionTest {

  private static final List<String> LABELS = List.of("a", "b");
  // macro-F1 1.0 and about 0.58
  private static final Metrics PERFECT = Metrics.of(LABELS, new int[] {0, 1}, new int[] {0, 1});
  private static final Metrics WORSE =
      Metrics.of(LABELS, new int[] {0, 0, 0, 1, 1}, new int[] {0, 0, 1, 1, 0});

  @Test
  void publishesWhenThereIsNoChampion() {
    PublishDecision d = PublishDecision.decide(LABELS, WORSE, null, null, 0.01);

    assertThat(d.publish()).isTrue();
    assertThat(d.reason()).contains("no champion");
  }

  @Test
  void publishesWhenTheLabelSetChanged() {
    PublishDecision d =
        PublishDecision.decide(List.of("a", "b", "c"), WORSE, LABELS, PERFECT, 0.01);

    assertThat(d.publish()).isTrue();
    assertThat(d.reason()).contains("label set changed");
  }

  @Test
  void sameLabelsInAnotherOrderAreNotAChange() {
    PublishDecision d = PublishDecision.decide(List.of("b", "a"), WORSE, LABELS, PERFECT, 0.01);

    assertThat(d.publish()).isFalse();
  }

  @Test
  void publishesOnlyWhenBetterByTheMargin() {
    assertThat(PublishDecision.decide(LABELS, PERFECT, LABELS, WORSE, 0.01).publish()).isTrue();
    assertThat(PublishDecision.decide(LABELS, WORSE, LABELS, PERFECT, 0.01).publish()).isFalse();
    assertThat(PublishDecision.decide(LABELS, PERFECT, LABELS, PERFECT, 0.01).publish()).isFalse();
    assertThat(PublishDecision.decide(LABELS, PERFECT, LABELS, PERFECT, 0.0).publish()).isTrue();
  }

  @Test
  void onNewLabelsComparesBothOnTheLabelsTheChampionHasNotSeen() {
    int[] truth = {0, 0, 1, 1};
    int[] right = {0, 0, 1, 1};
    int[] oneWrong = {0, 1, 1, 1};

    PublishDecision better =
        PublishDecision.onNewLabels(LABELS, LABELS, truth, right, oneWrong, 0.01);
    PublishDecision worse =
        PublishDecision.onNewLabels(LABELS, LABELS, truth, oneWrong, right, 0.01);

    assertThat(better.publish()).isTrue();
    assertThat(better.reason())
        .startsWith("better: challenger macro-F1 1.0000 vs champion 0.7333")
        .contains("on the 4 labels since the champion was trained");
    assertThat(worse.publish()).isFalse();
    assertThat(worse.reason()).startsWith("not better");
  }

  @Test
  void withNoLabelSinceTheChampionTheChampionStaysUnlessTheQuestionChanged() {
    int[] none = {};

    PublishDecision same = PublishDecision.onNewLabels(LABELS, LABELS, none, none, none, 0.01);
    PublishDecision changed =
        PublishDecision.onNewLabels(List.of("a", "b", "c"), LABELS, none, none, none, 0.01);
    PublishDecision first = PublishDecision.onNewLabels(LABELS, null, none, none, none, 0.01);

    assertThat(same.publish()).isFalse();
    assertThat(same.reason())
        .isEqualTo("no labels since the champion was trained: nothing to compare on");
    assertThat(changed.publish()).isTrue();
    assertThat(changed.reason()).contains("label set changed");
    assertThat(first.publish()).isTrue();
  }
}
