package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OnnxHeadsTest {

  private static final float[][] WEIGHTS = {{1f, 0f, -1f}, {0.5f, 2f, 0f}};
  private static final float[] BIAS = {0.1f, -0.2f};

  @Test
  void linearSoftmaxReproducesAHandComputedSoftmax() throws Exception {
    float[][] x = {{1f, 2f, 3f}, {0f, 0f, 0f}};

    float[][] p;
    try (HeadRunner head = new HeadRunner(OnnxHeads.linearSoftmax(WEIGHTS, BIAS))) {
      assertThat(head.inputDimension()).isEqualTo(3);
      assertThat(head.outputCount()).isEqualTo(2);
      p = head.predict(x);
    }

    // row 0: logits 1-3+0.1 = -1.9 and 0.5+4-0.2 = 4.3; row 1: logits 0.1 and -0.2
    assertThat(p[0][0]).isCloseTo((float) softmax0(-1.9, 4.3), within(1e-6f));
    assertThat(p[0][1]).isCloseTo((float) (1 - softmax0(-1.9, 4.3)), within(1e-6f));
    assertThat(p[1][0]).isCloseTo((float) softmax0(0.1, -0.2), within(1e-6f));
  }

  @Test
  void sameWeightsGiveTheSameBytes() {
    byte[] a = OnnxHeads.linearSoftmax(WEIGHTS, BIAS);
    byte[] b =
        OnnxHeads.linearSoftmax(
            new float[][] {WEIGHTS[0].clone(), WEIGHTS[1].clone()}, BIAS.clone());

    assertThat(a).isEqualTo(b);
    assertThat(ModelSigning.sha256Hex(a)).isEqualTo(ModelSigning.sha256Hex(b));
  }

  @Test
  void headRefusesRowsOfTheWrongWidth() throws Exception {
    try (HeadRunner head = new HeadRunner(OnnxHeads.linearSoftmax(WEIGHTS, BIAS))) {
      assertThatThrownBy(() -> head.predict(new float[][] {{1f, 2f}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes 3");
    }
  }

  @Test
  void raggedWeightsAreRejected() {
    assertThatThrownBy(() -> OnnxHeads.linearSoftmax(new float[][] {{1f, 2f}, {1f}}, new float[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static double softmax0(double a, double b) {
    return Math.exp(a) / (Math.exp(a) + Math.exp(b));
  }
}
