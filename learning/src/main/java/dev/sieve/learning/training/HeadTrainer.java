package dev.sieve.learning.training;

import ai.onnxruntime.OrtException;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.OnnxHeads;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.dataset.DatasetView;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a logistic-regression head on embeddings with Tribuo (multinomial log loss, AdaGrad, one
 * example per step, a fixed seed), with each example weighted {@code n / (k * n_class)} so a rare
 * class counts as much as a common one. The weights are read out of the Tribuo model into a {@link
 * LinearHead} in the carried label order and written as ONNX with {@link OnnxHeads#linearSoftmax},
 * rather than with Tribuo's {@code saveONNXModel}: Tribuo's export embeds its provenance (with a
 * training timestamp), so the same data would not give the same bytes, and its output column order
 * would be Tribuo's, not the label order the version declares. The exported head is then run with
 * {@link HeadRunner} and must reproduce Tribuo's predictions, or training fails.
 */
public final class HeadTrainer {

  /** Fraction of rows on which the ONNX head must pick Tribuo's class. */
  static final double MIN_ARGMAX_AGREEMENT = 0.999;

  /** Largest allowed |p_onnx - p_tribuo| on any row and class (float vs double arithmetic). */
  static final double MAX_PROBABILITY_GAP = 1e-3;

  // Logit given to a declared class absent from the training data: never predicted.
  private static final float ABSENT_CLASS_BIAS = -30f;

  // Tribuo logs every training at INFO through java.util.logging; one line per fold per
  // retraining is noise in a job log. Held in a field: JUL keeps loggers weakly, and a collected
  // logger would forget its level.
  @SuppressWarnings("unused")
  private static final Logger TRIBUO_LOG = quietTribuo();

  private static final LabelFactory LABELS = new LabelFactory();

  /**
   * One point of the settings grid. {@code learningRate} is AdaGrad's initial rate; a few epochs of
   * AdaGrad on unit-length embeddings is what regularises (early stopping), Tribuo's linear SGD
   * having no L2 term.
   */
  public record Settings(int epochs, double learningRate, boolean classWeighting, long seed) {

    public Settings {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be >= 1");
      }
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("learningRate must be > 0");
      }
    }

    public Settings withClassWeighting(boolean value) {
      return new Settings(epochs, learningRate, value, seed);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "epochs=%d lr=%s weighted=%s seed=%d",
          epochs,
          learningRate,
          classWeighting,
          seed);
    }
  }

  /**
   * The default settings, and the first grid point. Chosen by measurement
   * (docs/measurements/retrain-eval.md): the best AdaGrad rate differs by task (0.1 for 4-class
   * emotion, 1.0 for binary spam), and ten epochs cost about what five do, because converting
   * examples dominates Tribuo's training.
   */
  public static final Settings DEFAULT = new Settings(10, 0.1, true, 42L);

  /** The grid that cross-validation chooses from: a low and a high learning rate. */
  public static final List<Settings> DEFAULT_GRID =
      List.of(DEFAULT, new Settings(10, 1.0, true, 42L));

  /** A trained head, its ONNX bytes and the settings it was trained with. */
  public record TrainedHead(LinearHead head, byte[] onnx, Settings settings) {}

  private HeadTrainer() {}

  /**
   * A labelled set converted to Tribuo once, so the folds and grid points of one retraining train
   * on views of it instead of converting 384 named features per example every time (which was about
   * a third of the retraining time). Class weights come from the whole set; stratified folds have
   * the same class shares (±1 example), so a fold would compute the same weights.
   */
  public static final class Prepared {
    private final LabelledSet set;
    private final MutableDataset<Label> data;
    private final ImmutableFeatureMap features;
    private final ImmutableOutputInfo<Label> outputs;

    private Prepared(LabelledSet set, boolean classWeighting) {
      this.set = set;
      this.data = dataset(set, classWeighting);
      this.features = data.getFeatureIDMap();
      this.outputs = data.getOutputIDInfo();
    }

    public LabelledSet set() {
      return set;
    }

    Dataset<Label> view(int[] indices) {
      return new DatasetView<>(data, indices, features, outputs, "fold");
    }
  }

  /** Converts {@code set} for training; reuse it across folds and grid points. */
  public static Prepared prepare(LabelledSet set, boolean classWeighting) {
    if (set.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty labelled set");
    }
    return new Prepared(set, classWeighting);
  }

  /** Trains and returns the head as plain arrays (no ONNX): what cross-validation needs. */
  public static LinearHead fit(LabelledSet set, Settings settings) {
    return extract(
        trainTribuo(dataset(set, settings.classWeighting()), settings),
        set.labelOrder(),
        set.dimension());
  }

  /** Trains on the examples {@code indices} of a prepared set (a cross-validation fold). */
  public static LinearHead fit(Prepared prepared, int[] indices, Settings settings) {
    LabelledSet set = prepared.set;
    return extract(
        trainTribuo(prepared.view(indices), settings), set.labelOrder(), set.dimension());
  }

  /**
   * Trains, exports to ONNX and checks the ONNX head against Tribuo's own predictions on the
   * training set; throws {@link IllegalStateException} if they disagree.
   */
  public static TrainedHead train(LabelledSet set, Settings settings) {
    return train(prepare(set, settings.classWeighting()), settings);
  }

  /** As {@link #train(LabelledSet, Settings)}, on the whole of a prepared set. */
  public static TrainedHead train(Prepared prepared, Settings settings) {
    LabelledSet set = prepared.set;
    LinearSGDModel model = trainTribuo(prepared.data, settings);
    LinearHead head = extract(model, set.labelOrder(), set.dimension());
    byte[] onnx = OnnxHeads.linearSoftmax(head.weights(), head.bias());
    checkOnnxMatchesTribuo(model, prepared.data, onnx, set);
    return new TrainedHead(head, onnx, settings);
  }

  static LinearSGDModel trainTribuo(Dataset<Label> data, Settings settings) {
    // A new trainer each time: Tribuo's trainer advances its RNG on every train() call, so
    // reusing one would make the second training of the same data differ from the first.
    // Logging interval -1 turns the per-iteration loss log off.
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(),
            new AdaGrad(settings.learningRate(), 0.1),
            settings.epochs(),
            -1,
            1,
            settings.seed());
    return (LinearSGDModel) trainer.train(data);
  }

  static MutableDataset<Label> dataset(LabelledSet set, boolean classWeighting) {
    float[][] rows = set.rows();
    int[] y = set.labelIndexView();
    String[] names = featureNames(set.dimension());
    float[] weight = classWeights(set, classWeighting);
    Label[] labels = set.labelOrder().stream().map(Label::new).toArray(Label[]::new);
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("sieve labelled set", LABELS), LABELS);
    double[] values = new double[names.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < values.length; j++) {
        values[j] = rows[i][j];
      }
      ArrayExample<Label> example = new ArrayExample<>(labels[y[i]], names, values);
      example.setWeight(weight[y[i]]);
      data.add(example);
    }
    return data;
  }

  /** {@code n / (k * n_class)} per class present (k counts present classes), or all 1. */
  static float[] classWeights(LabelledSet set, boolean classWeighting) {
    int[] counts = set.classCounts();
    float[] w = new float[counts.length];
    int present = 0;
    for (int c : counts) {
      present += c > 0 ? 1 : 0;
    }
    for (int c = 0; c < counts.length; c++) {
      w[c] = !classWeighting || counts[c] == 0 ? 1f : (float) set.size() / (present * counts[c]);
    }
    return w;
  }

  /**
   * Feature names {@code f000 .. f383}: Tribuo numbers features in name order, so zero padding
   * keeps its column order equal to the embedding order (read back by name anyway).
   */
  static String[] featureNames(int dimension) {
    int width = Math.max(3, String.valueOf(Math.max(0, dimension - 1)).length());
    String[] names = new String[dimension];
    for (int j = 0; j < dimension; j++) {
      names[j] = String.format(Locale.ROOT, "f%0" + width + "d", j);
    }
    return names;
  }

  /** Reads {@code W} and {@code b} out of Tribuo, by feature name and by label name. */
  static LinearHead extract(LinearSGDModel model, List<String> labels, int dimension) {
    DenseMatrix w = model.getWeightsCopy(); // [outputs, features + 1], bias in the last column
    ImmutableFeatureMap features = model.getFeatureIDMap();
    ImmutableOutputInfo<Label> outputs = model.getOutputIDInfo();
    String[] names = featureNames(dimension);
    int biasColumn = features.size();
    if (w.getDimension2Size() != biasColumn + 1) {
      throw new IllegalStateException(
          "unexpected Tribuo weight shape "
              + w.getDimension1Size()
              + "x"
              + w.getDimension2Size()
              + " for "
              + biasColumn
              + " features");
    }
    float[][] weights = new float[labels.size()][dimension];
    float[] bias = new float[labels.size()];
    for (int c = 0; c < labels.size(); c++) {
      int row = outputs.getID(new Label(labels.get(c)));
      if (row < 0) {
        bias[c] = ABSENT_CLASS_BIAS;
        continue;
      }
      for (int j = 0; j < names.length; j++) {
        int column = features.getID(names[j]);
        if (column >= 0) {
          weights[c][j] = (float) w.get(row, column);
        }
      }
      bias[c] = (float) w.get(row, biasColumn);
    }
    return new LinearHead(labels, weights, bias);
  }

  /** Runs the ONNX head and Tribuo on every training row and fails loudly if they differ. */
  static void checkOnnxMatchesTribuo(
      LinearSGDModel model, Dataset<Label> data, byte[] onnx, LabelledSet set) {
    List<Prediction<Label>> expected = model.predict(data);
    float[][] actual;
    try (HeadRunner runner = new HeadRunner(onnx)) {
      actual = runner.predict(set.rows());
    } catch (OrtException e) {
      throw new IllegalStateException("the exported head does not load in ONNX Runtime", e);
    }
    List<String> labels = set.labelOrder();
    int agree = 0;
    double worstGap = 0;
    for (int i = 0; i < actual.length; i++) {
      Prediction<Label> p = expected.get(i);
      if (labels.get(Head.argmax(actual[i])).equals(p.getOutput().getLabel())) {
        agree++;
      }
      for (var e : p.getOutputScores().entrySet()) {
        int c = labels.indexOf(e.getKey());
        worstGap = Math.max(worstGap, Math.abs(actual[i][c] - e.getValue().getScore()));
      }
    }
    double agreement = (double) agree / actual.length;
    if (agreement < MIN_ARGMAX_AGREEMENT || worstGap > MAX_PROBABILITY_GAP) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "ONNX head does not reproduce Tribuo: argmax agreement %.5f (need"
                  + " %.3f), largest probability gap %.2e (allowed %.0e)",
              agreement,
              MIN_ARGMAX_AGREEMENT,
              worstGap,
              MAX_PROBABILITY_GAP));
    }
  }

  private static Logger quietTribuo() {
    Logger log = Logger.getLogger("org.tribuo");
    if (log.getLevel() == null) {
      log.setLevel(Level.WARNING);
    }
    return log;
  }
}
