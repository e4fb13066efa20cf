package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerRowQuantisationTest {

  private static final String SHORT = "my package never arrived";
  // A long, shouting, number-heavy neighbour: it widens the activation range of any tensor it
  // shares, which is what moves a per-tensor int8 embedding.
  private static final String LOUD =
      "WINNER!!! URGENT call 09061701461 NOW to claim your £1000 cash prize or 2000 bonus points,"
          + " T&C apply, 18+ only, txt STOP to 87066 to opt out, valid 12hrs only!!! £££ $$$ 100%";

  private OnnxSentenceEmbedder perRow;
  private OnnxSentenceEmbedder perTensor;
  private OnnxSentenceEmbedder fp32;

  @BeforeAll
  void load() throws Exception {
    EmbedderOptions batched = EmbedderOptions.defaults().withMaxSubBatch(8);
    perRow = OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q_ROW, batched);
    perTensor = OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q, batched);
    fp32 =
        OnnxSentenceEmbedder.load(
            EmbeddingModel.MINILM_L6_V2, EmbedderOptions.defaults().withMaxSubBatch(1));
  }

  @AfterAll
  void close() {
    perRow.close();
    perTensor.close();
    fp32.close();
  }

  @Test
  void aTextEmbedsTheSameAloneOrBatchedWithALoudNeighbour() {
    float[] alone = perRow.embed(List.of(SHORT))[0];
    float[] batched = perRow.embed(List.of(SHORT, LOUD))[0];

    assertThat(maxDifference(alone, batched)).isLessThan(1e-5);
    // The per-tensor network, batched the same way, moves (what the rewrite is for).
    float[] tensorAlone = perTensor.embed(List.of(SHORT))[0];
    float[] tensorBatched = perTensor.embed(List.of(SHORT, LOUD))[0];
    assertThat(maxDifference(tensorAlone, tensorBatched)).isGreaterThan(1e-3);
  }

  @Test
  void staysCloseToTheFullPrecisionNetwork() {
    List<String> texts =
        List.of(
            SHORT,
            LOUD,
            "Where is my parcel? The delivery is late.",
            "The quarterly earnings beat analyst expectations.",
            "@user you are an absolute clown lol",
            "I love this song so much, it makes my day #happy",
            "ok",
            "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.");
    float[][] row = perRow.embed(texts);
    float[][] full = fp32.embed(texts);

    for (int i = 0; i < texts.size(); i++) {
      assertThat(Vectors.dot(row[i], full[i])).as(texts.get(i)).isGreaterThan(0.97);
    }
  }

  @Test
  void isAnotherNetworkWithADigestOfItsOwn() throws Exception {
    assertThat(perRow.modelId()).isEqualTo("all-minilm-l6-v2-q-row");
    assertThat(perRow.modelDigest())
        .hasSize(64)
        .isNotEqualTo(EmbeddingModel.MINILM_L6_V2_Q.digest())
        .isEqualTo(EmbeddingModel.MINILM_L6_V2_Q_ROW.digest());
    // Deterministic, so the job that trains a head and the job that serves it agree on the digest.
    byte[] source = resource(EmbeddingModel.MINILM_L6_V2_Q);
    assertThat(PerRowQuantisation.rewrite(source)).isEqualTo(PerRowQuantisation.rewrite(source));
  }

  @Test
  void refusesANetworkThatIsNotDynamicallyQuantised() throws Exception {
    byte[] fullPrecision = resource(EmbeddingModel.MINILM_L6_V2);

    assertThatThrownBy(() -> PerRowQuantisation.rewrite(fullPrecision))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no DynamicQuantizeLinear node");
    assertThatThrownBy(() -> PerRowQuantisation.rewrite(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an ONNX model");
  }

  @Test
  void batchesOnlyWhereBatchingCannotMoveAnEmbedding() {
    EmbedderOptions auto = EmbedderOptions.defaults();
    List<Integer> subBatches = new ArrayList<>();
    for (EmbeddingModel m :
        List.of(
            EmbeddingModel.MINILM_L6_V2_Q,
            EmbeddingModel.E5_SMALL_V2_Q_QUERY,
            EmbeddingModel.MINILM_L6_V2_Q_ROW,
            EmbeddingModel.E5_SMALL_V2_Q_ROW_QUERY,
            EmbeddingModel.MINILM_L6_V2)) {
      subBatches.add(auto.subBatchFor(m));
    }

    assertThat(subBatches).containsExactly(1, 1, 8, 8, 8);
    assertThat(auto.withMaxSubBatch(4).subBatchFor(EmbeddingModel.MINILM_L6_V2_Q)).isEqualTo(4);
    assertThat(perRow.subBatch()).isEqualTo(8);
  }

  private static byte[] resource(EmbeddingModel model) throws Exception {
    try (InputStream in = ModelFiles.open(model.onnxResource())) {
      return in.readAllBytes();
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
