package dev.sieve.learning.candidates;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import dev.sieve.learning.training.LinearHead;
import java.util.List;

/**
 * L2-regularised logistic regression with LIBLINEAR's Java port (primal trust-region Newton, the
 * solver behind scikit-learn's {@code liblinear}): minimises {@code ||w||^2 / 2 + C * sum_i
 * weight(y_i) * log-loss_i}, the bias being a constant feature. Class weights {@code n / (k *
 * n_class)} ("balanced") scale C per class. Several classes are one-vs-rest; the head written for
 * serving is {@code softmax(Wx + b)} over the per-class decision values, which picks the same class
 * as LIBLINEAR (two classes: {@code W = [w/2, -w/2]}, so the softmax is exactly LIBLINEAR's
 * sigmoid). Deterministic: the primal solver draws no random numbers.
 *
 * <p>Why not {@code HeadTrainer} (Tribuo's AdaGrad SGD): it has no L2 term, so there is no C to
 * choose, and it converts every feature by name, which costs thousands of lookups per lexical row.
 */
final class LogisticRegression {

  static final double EPSILON = 0.01;
  private static final float ABSENT_CLASS_BIAS = -30f;

  static {
    Linear.disableDebugOutput();
  }

  private LogisticRegression() {}

  /** A liblinear problem over {@code indices} of {@code rows}; build once, train every C on it. */
  static Problem problem(SparseRows rows, int[] y, int[] indices) {
    Problem p = new Problem();
    p.l = indices.length;
    p.n = rows.dimension() + 1;
    p.bias = 1;
    p.x = new Feature[indices.length][];
    p.y = new double[indices.length];
    for (int j = 0; j < indices.length; j++) {
      p.x[j] = rows.nodes(indices[j]);
      p.y[j] = y[indices[j]];
    }
    return p;
  }

  static Model train(Problem p, int classCount, double c, boolean balanced) {
    Parameter parameter = new Parameter(SolverType.L2R_LR, c, EPSILON);
    if (balanced) {
      int[] counts = new int[classCount];
      for (double v : p.y) {
        counts[(int) v]++;
      }
      int present = 0;
      for (int n : counts) {
        present += n > 0 ? 1 : 0;
      }
      int[] labels = new int[present];
      double[] weights = new double[present];
      int m = 0;
      for (int k = 0; k < classCount; k++) {
        if (counts[k] > 0) {
          labels[m] = k;
          weights[m++] = (double) p.l / (present * counts[k]);
        }
      }
      parameter.setWeights(weights, labels);
    }
    return Linear.train(p, parameter);
  }

  static int predict(Model model, Feature[] row) {
    return (int) Linear.predict(model, row);
  }

  /**
   * The class probabilities the exported head ({@link #head}) gives {@code row}, in class-index
   * order: the softmax of LIBLINEAR's decision values (two classes: its sigmoid).
   */
  static float[] probabilities(Model model, Feature[] row, int classCount) {
    int[] modelLabels = model.getLabels();
    double[] z = new double[classCount];
    java.util.Arrays.fill(z, ABSENT_CLASS_BIAS);
    if (modelLabels.length == 1) {
      z[modelLabels[0]] = 0;
    } else {
      double[] values = new double[modelLabels.length == 2 ? 1 : modelLabels.length];
      Linear.predictValues(model, row, values);
      if (modelLabels.length == 2) {
        z[modelLabels[0]] = values[0] / 2;
        z[modelLabels[1]] = -values[0] / 2;
      } else {
        for (int col = 0; col < modelLabels.length; col++) {
          z[modelLabels[col]] = values[col];
        }
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < classCount; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    float[] p = new float[classCount];
    for (int c = 0; c < classCount; c++) {
      p[c] = (float) (z[c] / sum);
    }
    return p;
  }

  /**
   * The model trained on {@code rows} as a head over the rows as served: the weights of the lexical
   * part times the {@link SparseRows#lexicalScale} the solver saw it at, so that {@code W·x} of the
   * unscaled row equals LIBLINEAR's decision value.
   */
  static LinearHead head(Model model, List<String> labels, SparseRows rows) {
    LinearHead head = head(model, labels, rows.dimension());
    if (rows.lexical() == null || rows.lexicalScale() == 1.0) {
      return head;
    }
    float[][] w = head.weights();
    for (float[] row : w) {
      for (int j = 0; j < rows.lexicalDim(); j++) {
        row[j] *= (float) rows.lexicalScale();
      }
    }
    return new LinearHead(labels, w, head.bias());
  }

  /** The model as {@code softmax(Wx + b)} in {@code labels} order, for ONNX export. */
  static LinearHead head(Model model, List<String> labels, int dimension) {
    int k = labels.size();
    float[][] w = new float[k][dimension];
    float[] b = new float[k];
    java.util.Arrays.fill(b, ABSENT_CLASS_BIAS);
    double[] weights = model.getFeatureWeights(); // [(dimension + 1) * nrW], bias row last
    int[] modelLabels = model.getLabels();
    int nrW = modelLabels.length == 2 ? 1 : modelLabels.length;
    if (modelLabels.length == 1) {
      b[modelLabels[0]] = 0;
      return new LinearHead(labels, w, b);
    }
    for (int col = 0; col < nrW; col++) {
      int cls = modelLabels[col];
      float scale = nrW == 1 ? 0.5f : 1f;
      for (int j = 0; j < dimension; j++) {
        w[cls][j] = scale * (float) weights[j * nrW + col];
      }
      b[cls] = scale * (float) weights[dimension * nrW + col];
    }
    if (nrW == 1) {
      int other = modelLabels[1];
      for (int j = 0; j < dimension; j++) {
        w[other][j] = -w[modelLabels[0]][j];
      }
      b[other] = -b[modelLabels[0]];
    }
    return new LinearHead(labels, w, b);
  }
}
