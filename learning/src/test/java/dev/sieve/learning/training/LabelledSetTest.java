package dev.sieve.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.schemas.LabelledExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelledSetTest {

  private static final float[] X1 = {1f, 0f};
  private static final float[] X2 = {0f, 1f};

  @Test
  void latestLabelOfAContentIdWins() {
    LabelledSet set =
        LabelledSet.builder()
            .add("c1", "spam", X1, 2_000)
            .add("c1", "ham", X1, 1_000) // older, arrives late: ignored
            .add("c2", "spam", X2, 1_000)
            .add("c2", "ham", X2, 3_000) // newer: a correction
            .build();

    assertThat(set.size()).isEqualTo(2);
    assertThat(set.labels()).containsExactly("spam", "ham");
  }

  @Test
  void receivedAfterNamesTheExamplesAVersionOfThatTimeCannotHaveTrainedOn() {
    LabelledExample early = example("c1", 100);
    LabelledExample late = example("c2", 50); // labelled earlier, received later
    LabelledSet set =
        LabelledSet.builder()
            .add(early, 1_000)
            .add(late, 5_000)
            .add("c3", "ham", X1, 3_000) // no receipt time: its label time
            .add("c4", "ham", X2) // neither: after every time
            .build();

    assertThat(set.receivedAfter(2_000)).containsExactly(1, 2, 3);
    assertThat(set.receivedAfter(4_000)).containsExactly(1, 3);
    assertThat(set.receivedAfter(Long.MIN_VALUE)).containsExactly(0, 1, 2, 3);
    assertThat(set.subset(new int[] {3, 1}).receivedAfter(4_000)).containsExactly(0, 1);
  }

  private static LabelledExample example(String id, long labeledAtMs) {
    return LabelledExample.newBuilder()
        .setContentId(id)
        .setClassifier("spam")
        .setText("text of " + id)
        .setLabel("spam")
        .setLabeler("ann")
        .setEmbedding(List.of(1f, 0f))
        .setEmbeddingModel("m")
        .setLabeledAtMs(labeledAtMs)
        .build();
  }

  @Test
  void textsTravelWithTheirExamplesWhenEveryExampleHasOne() {
    LabelledSet set =
        LabelledSet.builder()
            .add("b", "ham", "see you at noon", X2, 1_000)
            .add("a", "spam", "WIN a prize now", X1, 1_000)
            .add("a", "ham", "win a prize? no, a tie", X1, 2_000) // the correction's text wins
            .build();

    assertThat(set.texts()).contains(List.of("win a prize? no, a tie", "see you at noon"));
    assertThat(set.subset(new int[] {1}).texts()).contains(List.of("see you at noon"));
    assertThat(LabelledSet.builder().add("a", "x", X1).add("b", "y", "text", X2, 1).build().texts())
        .as("one example without a text")
        .isEmpty();
  }

  @Test
  void arrivalOrderDoesNotChangeTheSet() {
    LabelledSet forward = LabelledSet.builder().add("b", "y", X2).add("a", "x", X1).build();
    LabelledSet backward = LabelledSet.builder().add("a", "x", X1).add("b", "y", X2).build();

    assertThat(forward.embeddings()).isDeepEqualTo(backward.embeddings());
    assertThat(forward.labels()).containsExactly(backward.labels());
    assertThat(forward.contentId(0)).isEqualTo("a");
  }

  @Test
  void declaredLabelOrderComesFirstAndUnknownLabelsAreAppendedByName() {
    LabelledSet set =
        LabelledSet.builder()
            .labelOrder(List.of("spam", "ham"))
            .add("a", "zzz", X1)
            .add("b", "ham", X2)
            .add("c", "aaa", X1)
            .build();

    assertThat(set.labelOrder()).containsExactly("spam", "ham", "aaa", "zzz");
    assertThat(set.classCounts()).containsExactly(0, 1, 1, 1);
  }

  @Test
  void embeddingsAreCopiedInAndOut() {
    float[] x = {1f, 2f};
    LabelledSet set = LabelledSet.builder().add("a", "x", x).build();
    x[0] = 99f;
    set.embeddings()[0][1] = 99f;

    assertThat(set.embeddings()[0]).containsExactly(1f, 2f);
  }

  @Test
  void refusesMixedDimensions() {
    LabelledSet.Builder builder = LabelledSet.builder().add("a", "x", X1);

    assertThatThrownBy(() -> builder.add("b", "x", new float[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
