package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The second network: e5-small-v2 (int8), with and without its "query: " prefix. */
class E5EmbedderTest {

  private static final List<String> TEXTS =
      List.of(
          "My package has not arrived yet.",
          "Where is my parcel? The delivery is late.",
          "The quarterly earnings beat analyst expectations.");

  @Test
  void bothVariantsReadTheSameNetworkFromTheClasspath() {
    assertThat(EmbeddingModel.E5_SMALL_V2_Q.onnxResource()).isEqualTo("e5-small-v2-q.onnx");
    assertThat(EmbeddingModel.E5_SMALL_V2_Q_QUERY.onnxResource()).isEqualTo("e5-small-v2-q.onnx");
    assertThat(EmbeddingModel.E5_SMALL_V2_Q_QUERY.digest())
        .isEqualTo(EmbeddingModel.E5_SMALL_V2_Q.digest())
        .isNotEqualTo(EmbeddingModel.MINILM_L6_V2_Q.digest());
    assertThat(EmbeddingModel.byId("e5-small-v2-q+query"))
        .isEqualTo(EmbeddingModel.E5_SMALL_V2_Q_QUERY);
  }

  @Test
  void embedsRelatedTextsCloserAndThePrefixMovesTheOutput() throws Exception {
    float[][] plain;
    float[][] query;
    try (OnnxSentenceEmbedder e5 =
            OnnxSentenceEmbedder.load(EmbeddingModel.E5_SMALL_V2_Q, EmbedderOptions.defaults());
        OnnxSentenceEmbedder e5q =
            OnnxSentenceEmbedder.load(
                EmbeddingModel.E5_SMALL_V2_Q_QUERY, EmbedderOptions.defaults())) {
      plain = e5.embed(TEXTS);
      query = e5q.embed(TEXTS);
      assertThat(e5q.tokenCount(TEXTS.get(0))).isGreaterThan(e5.tokenCount(TEXTS.get(0)));
    }
    for (float[][] rows : List.of(plain, query)) {
      assertThat(rows[0]).hasSize(384);
      assertThat(Vectors.norm(rows[0])).isCloseTo(1.0, within(1e-4));
      assertThat(Vectors.dot(rows[0], rows[1])).isGreaterThan(Vectors.dot(rows[0], rows[2]));
    }
    // e5 puts every text in a narrow cone, so "moves" is a small but clear angle.
    assertThat(Vectors.dot(plain[0], query[0])).isLessThan(0.99);
  }
}
