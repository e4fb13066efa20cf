package dev.sieve.inference.scoring;

import static dev.sieve.inference.testing.Samples.SPAM;
import static dev.sieve.inference.testing.Samples.TOXIC;
import static dev.sieve.inference.testing.Samples.accepted;
import static dev.sieve.inference.testing.Samples.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.sieve.inference.testing.FakeRuntime;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.Prediction;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchScorerTest {

  private final FakeRuntime runtime = new FakeRuntime();
  private final Embedder embedder = runtime.acquireEmbedder();
  private final VersionValidator validator = runtime.validator(embedder);

  @Test
  void embedsTheBatchOnceAndScoresItWithEveryClassifier() {
    ServingModels models = new ServingModels();
    models.swap(accepted(TOXIC, 3, 0.2), validator.validate(accepted(TOXIC, 3, 0.2)).head());
    models.swap(accepted(SPAM, 1, 0.7), validator.validate(accepted(SPAM, 1, 0.7)).head());
    List<PendingEvent> batch =
        List.of(
            PendingEvent.of(content("a", "hi"), 100), PendingEvent.of(content("b", "hello"), 104));

    List<ScoredEvent> out = new BatchScorer(embedder).score(batch, models, 110);

    assertThat(runtime.embedCalls).containsExactly(List.of("hi", "hello"));
    assertThat(out).hasSize(2);
    Prediction spam = out.get(1).predictions().get(0);
    assertThat(spam.getContentId()).isEqualTo("b");
    assertThat(spam.getClassifier()).isEqualTo(SPAM); // classifiers in name order
    assertThat(spam.getLabel()).isEqualTo("yes");
    assertThat(spam.getConfidence()).isCloseTo(0.7, offset(1e-6));
    assertThat(spam.getScores()).hasSize(2).containsKeys("yes", "no");
    assertThat(spam.getModelVersion()).isEqualTo(1);
    assertThat(spam.getLatencyMs()).isEqualTo(6);
    assertThat(spam.getPredictedAtMs()).isEqualTo(110);
    assertThat(out.get(1).predictions().get(1).getLabel()).isEqualTo("no");

    ClassifierScores toxic = out.get(0).scored().getClassifiers().get(TOXIC);
    assertThat(toxic.getModelVersion()).isEqualTo(3);
    assertThat(toxic.getLabel()).isEqualTo("no");
    assertThat(toxic.getConfidence()).isCloseTo(0.8, offset(1e-6));
    assertThat(out.get(0).scored().getEmbedding()).containsExactly(2f, 1f);
    assertThat(out.get(0).scored().getText()).isEqualTo("hi");
  }

  @Test
  void withoutClassifiersItStillEmbedsButPredictsNothing() {
    List<ScoredEvent> out =
        new BatchScorer(embedder)
            .score(List.of(PendingEvent.of(content("a", "hi"), 0)), new ServingModels(), 1);

    assertThat(out.get(0).predictions()).isEmpty();
    assertThat(out.get(0).scored().getClassifiers()).isEmpty();
    assertThat(out.get(0).scored().getEmbedding()).hasSize(2);
  }

  @Test
  void anEmptyBatchCallsNothing() {
    assertThat(new BatchScorer(embedder).score(List.of(), new ServingModels(), 1)).isEmpty();
    assertThat(runtime.embedCalls).isEmpty();
  }

  @Test
  void aHeadThatReturnsTheWrongShapeFailsLoudly() {
    ServingModels models = new ServingModels();
    models.swap(
        accepted(SPAM, 1, 0.7),
        new Head() {
          @Override
          public float[][] predict(float[][] embeddings) {
            return new float[][] {{1f}};
          }

          @Override
          public void close() {}
        });

    assertThatThrownBy(
            () ->
                new BatchScorer(embedder)
                    .score(List.of(PendingEvent.of(content("a", "hi"), 0)), models, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spam v1");
  }

  @Test
  void tiesBreakTowardsTheFirstLabel() {
    assertThat(BatchScorer.argMax(new float[] {0.5f, 0.5f})).isZero();
    assertThat(BatchScorer.argMax(new float[] {0.1f, 0.2f, 0.7f})).isEqualTo(2);
  }
}
