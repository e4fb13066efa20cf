package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxSentenceEmbedderTest {

  private OnnxSentenceEmbedder embedder;

  @BeforeAll
  void load() throws Exception {
    embedder = OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q, EmbedderOptions.defaults());
  }

  @AfterAll
  void close() {
    embedder.close();
  }

  @Test
  void describesItsNetwork() {
    assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(embedder.dimension()).isEqualTo(384);
    assertThat(embedder.modelDigest())
        .hasSize(64)
        .isEqualTo(EmbeddingModel.MINILM_L6_V2_Q.digest());
  }

  @Test
  void countsTheTextsItEmbedsForTheBenchmark() {
    long texts = embedder.embeddedTexts();
    long nanos = embedder.embedNanos();

    embedder.embed(List.of("one", "two", "three"));
    embedder.embed(List.of());

    assertThat(embedder.embeddedTexts() - texts).isEqualTo(3);
    assertThat(embedder.embedNanos()).isGreaterThan(nanos);
  }

  @Test
  void closeSentencesAreMoreSimilarThanUnrelatedOnes() {
    float[][] e =
        embedder.embed(
            List.of(
                "My package has not arrived yet.",
                "Where is my parcel? The delivery is late.",
                "The quarterly earnings beat analyst expectations."));

    double related = Vectors.dot(e[0], e[1]);
    double unrelated = Vectors.dot(e[0], e[2]);

    assertThat(related).isGreaterThan(unrelated + 0.2);
  }

  @Test
  void rowsHaveUnitLength() {
    float[][] e = embedder.embed(List.of("hello", "a somewhat longer sentence about nothing", "!"));

    for (float[] row : e) {
      assertThat(row).hasSize(384);
      assertThat(Vectors.norm(row)).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void batchOutputIsInInputOrderAndCloseToSingleTexts() {
    List<String> texts = mixedLengthTexts();

    float[][] batch = embedder.embed(texts); // 40 texts: five length buckets of <= 8

    float[][] single = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      single[i] = embedder.embed(List.of(texts.get(i)))[0];
    }
    for (int i = 0; i < texts.size(); i++) {
      // int8 only: dynamic quantisation scales activations per tensor, so padding and the other
      // rows of a sub-batch move a row slightly (measured minimum about 0.97 to 0.99).
      assertThat(Vectors.dot(batch[i], single[i])).as("text %d", i).isGreaterThan(0.95);
      int nearest = 0;
      for (int j = 1; j < texts.size(); j++) {
        if (Vectors.dot(batch[i], single[j]) > Vectors.dot(batch[i], single[nearest])) {
          nearest = j;
        }
      }
      assertThat(nearest).as("row %d is the embedding of text %d", i, i).isEqualTo(i);
    }
  }

  @Test
  void fp32BatchOutputMatchesSingleTexts() throws Exception {
    List<String> texts = mixedLengthTexts();
    try (OnnxSentenceEmbedder fp32 =
        OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2, EmbedderOptions.defaults())) {
      float[][] batch = fp32.embed(texts);

      for (int i = 0; i < texts.size(); i++) {
        float[] single = fp32.embed(List.of(texts.get(i)))[0];
        assertThat(Vectors.dot(batch[i], single)).as("text %d", i).isGreaterThan(0.9999);
      }
    }
  }

  private static List<String> mixedLengthTexts() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // Lengths vary and are not sorted, so bucketing has to reorder and restore.
      texts.add(
          "message " + i + " " + "word ".repeat((i * 7) % 23) + (i % 2 == 0 ? "refund" : "bug"));
    }
    return texts;
  }

  @Test
  void truncatesVeryLongTexts() {
    String longText = "The service was slow and the staff were rude. ".repeat(200);

    float[][] e = embedder.embed(List.of(longText, "short"));

    assertThat(embedder.tokenCount(longText)).isEqualTo(128);
    assertThat(embedder.tokenCount("short")).isLessThan(5);
    assertThat(Vectors.norm(e[0])).isCloseTo(1.0, within(1e-4));
    float[] prefix = embedder.embed(List.of(longText.substring(0, 2000)))[0];
    assertThat(Vectors.dot(e[0], prefix)).isGreaterThan(0.99);
  }

  @Test
  void emptyBatchGivesNoRows() {
    assertThat(embedder.embed(List.of())).isEmpty();
  }
}
