package dev.sieve.tools.eval;

import dev.sieve.learning.candidates.CandidateSelection;
import dev.sieve.learning.training.Head;
import dev.sieve.model.HeadFeatures;
import dev.sieve.model.LexicalFeaturiser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retrains as retrain-trigger does ({@code CandidateRetraining}): {@link CandidateSelection} over
 * the lexical featuriser, each network and each network with the lexical features, times the C
 * grid, on the same stratified folds of the labels so far, and the winner trained on all of them.
 * The winner's out-of-fold predictions go to the replay's publish decision, as in the job. The ONNX
 * export and its check are left out (the exported head computes the same function).
 *
 * <p>The chosen head scores every train row, sparsely: a lexical row has a few hundred non-zeros of
 * {@link dev.sieve.learning.candidates.LexicalVocabulary#DEFAULT_BUCKETS} columns, and the replay
 * scores the whole train split after every retraining.
 */
final class CandidateLearner implements AlLearner {

  private final AlDataset data;
  private final CandidateSelection selection;
  private final List<int[]> trainTerms;
  private final List<int[]> testTerms;

  CandidateLearner(AlDataset data, CandidateSelection.Settings settings) {
    this.data = data;
    this.selection = new CandidateSelection(settings);
    this.trainTerms = data.trainTexts().stream().map(LexicalFeaturiser::terms).toList();
    this.testTerms = data.testTexts().stream().map(LexicalFeaturiser::terms).toList();
  }

  @Override
  public Optional<Trained> train(int[] labelled) {
    if (!AlLearner.enough(labelled, data.trainY(), data.labels().size())) {
      return Optional.empty();
    }
    List<String> texts = new ArrayList<>(labelled.length);
    List<String> labels = new ArrayList<>(labelled.length);
    for (int i : labelled) {
      texts.add(data.trainTexts().get(i));
      labels.add(data.labels().get(data.trainY()[i]));
    }
    Map<String, float[][]> embeddings = new LinkedHashMap<>();
    data.trainByNetwork()
        .forEach(
            (network, rows) -> {
              float[][] mine = new float[labelled.length][];
              for (int j = 0; j < labelled.length; j++) {
                mine[j] = rows[labelled[j]];
              }
              embeddings.put(network, mine);
            });
    CandidateSelection.Outcome outcome =
        selection.select(
            new CandidateSelection.Input(texts, labels, data.labels(), embeddings), null);
    Scorer scorer = new Scorer(outcome);
    float[][] train = scorer.probabilities(trainTerms, data.trainByNetwork());
    float[][] test = scorer.probabilities(testTerms, data.testByNetwork());
    int[] predicted = new int[test.length];
    for (int i = 0; i < test.length; i++) {
      predicted[i] = Head.argmax(test[i]);
    }
    return Optional.of(new Trained(train, predicted, outcome.chosen().name(), outcome.outOfFold()));
  }

  /** softmax(Wx + b) of the chosen head, reading the lexical part of x without its zeros. */
  private static final class Scorer {
    private final CandidateSelection.Outcome outcome;
    private final float[][] w;
    private final float[] b;
    private final int offset;

    Scorer(CandidateSelection.Outcome outcome) {
      this.outcome = outcome;
      this.w = outcome.head().weights();
      this.b = outcome.head().bias();
      this.offset =
          outcome.features() == HeadFeatures.LEXICAL_EMBEDDING
              ? outcome.featuriser().dimension()
              : 0;
    }

    float[][] probabilities(List<int[]> terms, Map<String, float[][]> byNetwork) {
      float[][] embedded =
          outcome.features().needsEmbedding() ? byNetwork.get(outcome.embeddingModelId()) : null;
      float[][] out = new float[terms.size()][];
      double[] z = new double[b.length];
      for (int i = 0; i < out.length; i++) {
        for (int c = 0; c < b.length; c++) {
          z[c] = b[c];
        }
        if (outcome.features().needsFeaturiser()) {
          LexicalFeaturiser.Sparse row = outcome.featuriser().sparse(terms.get(i));
          for (int j = 0; j < row.indices().length; j++) {
            for (int c = 0; c < b.length; c++) {
              z[c] += (double) w[c][row.indices()[j]] * row.values()[j];
            }
          }
        }
        if (embedded != null) {
          float[] e = embedded[i];
          for (int c = 0; c < b.length; c++) {
            double s = 0;
            for (int j = 0; j < e.length; j++) {
              s += w[c][offset + j] * e[j];
            }
            z[c] += s;
          }
        }
        out[i] = softmax(z);
      }
      return out;
    }
  }

  private static float[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] e = new double[z.length];
    for (int c = 0; c < z.length; c++) {
      e[c] = Math.exp(z[c] - max);
      sum += e[c];
    }
    float[] p = new float[z.length];
    for (int c = 0; c < z.length; c++) {
      p[c] = (float) (e[c] / sum);
    }
    return p;
  }
}
