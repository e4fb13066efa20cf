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
}
