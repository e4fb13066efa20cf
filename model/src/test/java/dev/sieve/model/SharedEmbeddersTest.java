package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SharedEmbeddersTest {

  private static final EmbeddingModel MODEL = EmbeddingModel.MINILM_L6_V2_Q;
  private static final EmbedderOptions OPTIONS = EmbedderOptions.defaults();

  @Test
  void openHandlesShareOneEmbedderAndTheLastReleaseClosesIt() throws Exception {
    EmbedderHandle first = SharedEmbedders.acquire(MODEL, OPTIONS);
    EmbedderHandle second = SharedEmbedders.acquire(MODEL, OPTIONS);

    assertThat(second.shared()).isSameAs(first.shared());
    assertThat(SharedEmbedders.references(MODEL, OPTIONS)).isEqualTo(2);

    OnnxSentenceEmbedder loaded = first.shared();
    first.close();
    first.close(); // idempotent: still one reference left
    assertThat(SharedEmbedders.references(MODEL, OPTIONS)).isEqualTo(1);
    assertThat(second.embed(List.of("still works"))).hasNumberOfRows(1);
    assertThatThrownBy(() -> first.embed(List.of("x"))).isInstanceOf(IllegalStateException.class);

    second.close();
    assertThat(SharedEmbedders.references(MODEL, OPTIONS)).isZero();
    assertThatThrownBy(() -> loaded.embed(List.of("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");

    try (EmbedderHandle again = SharedEmbedders.acquire(MODEL, OPTIONS)) {
      assertThat(again.shared()).isNotSameAs(loaded);
      assertThat(again.embed(List.of("a fresh load works"))[0]).hasSize(384);
    }
    assertThat(SharedEmbedders.references(MODEL, OPTIONS)).isZero();
  }

  @Test
  void differentOptionsAreDifferentEmbedders() throws Exception {
    try (EmbedderHandle a = SharedEmbedders.acquire(MODEL, OPTIONS);
        EmbedderHandle b = SharedEmbedders.acquire(MODEL, OPTIONS.withMaxSubBatch(16))) {
      assertThat(a.shared()).isNotSameAs(b.shared());
    }
  }
}
