package dev.sieve.learning.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import de.bwaldvogel.liblinear.Model;
import dev.sieve.learning.training.Head;
import dev.sieve.learning.training.LinearHead;
import dev.sieve.model.LexicalFeaturiser;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

  /** Points around one centre per class, in 4 dimensions, with some overlap. */
  private static SparseRows rows(int classes, int perClass, int[] y, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[classes * perClass][4];
    for (int i = 0; i < x.length; i++) {
      y[i] = i % classes;
      for (int d = 0; d < 4; d++) {
        x[i][d] = (float) ((d == y[i] ? 1.0 : 0.0) + 0.6 * random.nextGaussian());
      }
    }
    return new SparseRows(4, null, 0, x);
  }

  @Test
  void probabilitiesAreWhatTheExportedHeadGivesForTwoAndForThreeClasses() {
    for (int classes : new int[] {2, 3}) {
      int[] y = new int[classes * 40];
      SparseRows rows = rows(classes, 40, y, classes);
      int[] all = IntStream.range(0, y.length).toArray();
      Model model =
          LogisticRegression.train(LogisticRegression.problem(rows, y, all), classes, 1.0, true);
      List<String> labels = List.of("a", "b", "c").subList(0, classes);
      LinearHead head = LogisticRegression.head(model, labels, rows.dimension());

      for (int i = 0; i < y.length; i++) {
        float[] p = LogisticRegression.probabilities(model, rows.nodes(i), classes);
        float[] served = head.probabilities(new float[][] {rows.dense(i)})[0];
        for (int c = 0; c < classes; c++) {
          assertThat(p[c])
              .as("%d classes, row %d, class %d", classes, i, c)
              .isCloseTo(served[c], within(1e-5f));
        }
        assertThat(Head.argmax(p)).isEqualTo(LogisticRegression.predict(model, rows.nodes(i)));
      }
    }
  }

  @Test
  void aHybridTrainedWithItsLexicalHalfScaledServesTheUnscaledRow() {
    // two lexical columns (the first says the class, the second is noise) beside the 4 dense ones
    int[] y = new int[80];
    SparseRows dense = rows(2, 40, y, 7);
    Random random = new Random(11);
    LexicalFeaturiser.Sparse[] lexical = new LexicalFeaturiser.Sparse[y.length];
    for (int i = 0; i < y.length; i++) {
      lexical[i] =
          new LexicalFeaturiser.Sparse(
              new int[] {0, 1}, new float[] {y[i] == 0 ? 0.8f : 0.1f, random.nextFloat()});
    }
    int[] all = IntStream.range(0, y.length).toArray();
    List<String> labels = List.of("a", "b");
    float[][] lexicalWeight = new float[2][];
    for (double scale : new double[] {1.0, 0.5}) {
      SparseRows rows = new SparseRows(6, lexical, 2, dense.dense(), scale);
      Model model =
          LogisticRegression.train(LogisticRegression.problem(rows, y, all), 2, 1.0, true);
      LinearHead head = LogisticRegression.head(model, labels, rows);
      for (int i = 0; i < y.length; i++) {
        float[] p = LogisticRegression.probabilities(model, rows.nodes(i), 2);
        float[] served = head.probabilities(new float[][] {rows.dense(i)})[0];
        assertThat(p[0]).as("scale %s, row %d", scale, i).isCloseTo(served[0], within(1e-5f));
      }
      lexicalWeight[scale == 1.0 ? 0 : 1] = head.weights()[0];
    }
    // a smaller scale is a stronger penalty on the lexical weights, as served
    assertThat(Math.abs(lexicalWeight[1][0])).isLessThan(Math.abs(lexicalWeight[0][0]));
  }
}
