package dev.sieve.inference.scoring;

import static dev.sieve.inference.testing.Samples.SPAM;
import static dev.sieve.inference.testing.Samples.TOXIC;
import static dev.sieve.inference.testing.Samples.accepted;
import static dev.sieve.inference.testing.Samples.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import dev.sieve.inference.testing.FakeRuntime;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.Prediction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchScorerTest {

  private final FakeRuntime runtime = new FakeRuntime();
  private final EmbeddingNetworks networks = EmbeddingNetworks.of(runtime);
  private final VersionValidator validator = runtime.validator();

  @Test
  void embedsTheBatchOnceAndScoresItWithEveryClassifier() {
    ServingModels models = new ServingModels();
    models.swap(accepted(TOXIC, 3, 0.2), validator.validate(accepted(TOXIC, 3, 0.2)).head());
    models.swap(accepted(SPAM, 1, 0.7), validator.validate(accepted(SPAM, 1, 0.7)).head());
    List<PendingEvent> batch =
        List.of(
            PendingEvent.of(content("a", "hi"), 100), PendingEvent.of(content("b", "hello"), 104));

    List<ScoredEvent> out = new BatchScorer(networks).score(batch, models, 110);

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
  void embedsEachEventOncePerNetworkInUseNotPerClassifier() {
    ServingModels models = new ServingModels();
    serve(models, accepted("a-primary", 1, 0.9)); // reads the primary network
    serve(models, accepted("b-e5", 1, 0.8, FakeRuntime.OTHER));
    serve(models, accepted("c-e5", 1, 0.3, FakeRuntime.OTHER));
    serve(models, accepted("d-e5", 1, 0.6, FakeRuntime.OTHER));
    networks.require(FakeRuntime.OTHER);
    List<PendingEvent> batch =
        List.of(PendingEvent.of(content("x", "one"), 0), PendingEvent.of(content("y", "three"), 0));

    List<ScoredEvent> out = new BatchScorer(networks).score(batch, models, 1);

    // Two networks in use, four classifiers: two embedding calls over the whole batch.
    assertThat(runtime.embedCallsByNetwork)
        .containsExactly(
            Map.entry(FakeRuntime.PRIMARY, List.of("one", "three")),
            Map.entry(FakeRuntime.OTHER, List.of("one", "three")));
    // Each head got its own network's embeddings (the fake head fails on another's).
    assertThat(out.get(1).predictions())
        .extracting(Prediction::getClassifier, Prediction::getLabel)
        .containsExactly(
            tuple("a-primary", "yes"),
            tuple("b-e5", "yes"),
            tuple("c-e5", "no"),
            tuple("d-e5", "yes"));
    // ScoredContent carries the primary network's embedding, whatever the classifiers read.
    assertThat(out.get(1).scored().getEmbeddingModel()).isEqualTo(FakeRuntime.PRIMARY);
    assertThat(out.get(1).scored().getEmbedding()).containsExactly(5f, 1f);
  }

  @Test
  void thePrimaryNetworkIsEmbeddedEvenWhenNoClassifierReadsIt() {
    ServingModels models = new ServingModels();
    serve(models, accepted(SPAM, 1, 0.9, FakeRuntime.OTHER));
    networks.require(FakeRuntime.OTHER);

    List<ScoredEvent> out =
        new BatchScorer(networks).score(List.of(PendingEvent.of(content("x", "hi"), 0)), models, 1);

    assertThat(runtime.embedCallsByNetwork)
        .extracting(Map.Entry::getKey)
        .containsExactly(FakeRuntime.PRIMARY, FakeRuntime.OTHER);
    assertThat(out.get(0).scored().getEmbedding()).containsExactly(2f, 1f);
    assertThat(out.get(0).predictions()).extracting(Prediction::getLabel).containsExactly("yes");
  }

  @Test
  void withoutClassifiersItStillEmbedsButPredictsNothing() {
    List<ScoredEvent> out =
        new BatchScorer(networks)
            .score(List.of(PendingEvent.of(content("a", "hi"), 0)), new ServingModels(), 1);

    assertThat(out.get(0).predictions()).isEmpty();
    assertThat(out.get(0).scored().getClassifiers()).isEmpty();
    assertThat(out.get(0).scored().getEmbedding()).hasSize(2);
  }

  @Test
  void anEmptyBatchCallsNothing() {
    assertThat(new BatchScorer(networks).score(List.of(), new ServingModels(), 1)).isEmpty();
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
                new BatchScorer(networks)
                    .score(List.of(PendingEvent.of(content("a", "hi"), 0)), models, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spam v1");
  }

  private void serve(ServingModels models, dev.sieve.schemas.ModelVersion version) {
    Verdict verdict = validator.validate(version);
    assertThat(verdict.isAccepted()).as(verdict.message()).isTrue();
    models.swap(version, verdict.head());
  }

  @Test
  void tiesBreakTowardsTheFirstLabel() {
    assertThat(BatchScorer.argMax(new float[] {0.5f, 0.5f})).isZero();
    assertThat(BatchScorer.argMax(new float[] {0.1f, 0.2f, 0.7f})).isEqualTo(2);
  }
}
