package dev.sieve.activelearning.functions;

import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.ScoredContent;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one scored content into one {@link ScoredItem} per classifier, with the classes in sorted
 * order. {@code sieve.scored} is written by inference-job only, so scores that are not
 * probabilities (empty, out of [0, 1], not summing to 1, a guess that is not a class) or an
 * embedding with non-finite values are a bug upstream: such an item is logged, counted in {@code
 * sieve.invalidScores} and skipped rather than failing the job over and over.
 */
public class SplitByClassifier extends RichFlatMapFunction<ScoredContent, ScoredItem> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SplitByClassifier.class);

  /** Same tolerance as the uncertainty measures: float softmax outputs rarely sum to exactly 1. */
  static final double SUM_TOLERANCE = 1e-3;

  public static final String INVALID = "invalidScores";

  private transient Counter invalid;

  @Override
  public void open(OpenContext openContext) {
    invalid = getRuntimeContext().getMetricGroup().addGroup("sieve").counter(INVALID);
  }

  @Override
  public void flatMap(ScoredContent scored, Collector<ScoredItem> out) {
    float[] embedding = ScoredItem.toArray(scored.getEmbedding());
    for (Map.Entry<String, ClassifierScores> entry :
        new TreeMap<>(scored.getClassifiers()).entrySet()) {
      ClassifierScores scores = entry.getValue();
      String[] classes = StoredContent.classesOf(scores);
      double[] p = new double[classes.length];
      for (int i = 0; i < classes.length; i++) {
        Double v = scores.getScores().get(classes[i]);
        p[i] = v == null ? Double.NaN : v;
      }
      String problem = problem(classes, p, scores.getLabel(), embedding);
      if (problem != null) {
        if (invalid != null) {
          invalid.inc();
        }
        LOG.warn(
            "Skipping classifier '{}' of content '{}': {}",
            entry.getKey(),
            scored.getContentId(),
            problem);
        continue;
      }
      ScoredItem item = new ScoredItem();
      item.contentId = scored.getContentId();
      item.classifier = entry.getKey();
      item.text = scored.getText();
      item.embeddingModel = scored.getEmbeddingModel();
      item.embedding = embedding;
      item.modelVersion = scores.getModelVersion();
      item.guess = scores.getLabel();
      item.confidence = scores.getConfidence();
      item.classes = classes;
      item.scores = p;
      item.scoredAtMs = scored.getScoredAtMs();
      out.collect(item);
    }
  }

  /** Why these scores cannot be used, or null when they can. */
  static String problem(String[] classes, double[] p, String guess, float[] embedding) {
    if (classes.length == 0) {
      return "no scores";
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (!Double.isFinite(p[i]) || p[i] < 0 || p[i] > 1) {
        return "score of '" + classes[i] + "' is " + p[i] + ", not a probability";
      }
      sum += p[i];
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      return "scores sum to " + sum + ", not 1";
    }
    if (!java.util.Arrays.asList(classes).contains(guess)) {
      return "guess '" + guess + "' is not one of the classes " + String.join(", ", classes);
    }
    if (embedding.length == 0) {
      return "empty embedding";
    }
    for (float v : embedding) {
      if (!Float.isFinite(v)) {
        return "embedding has a non-finite value";
      }
    }
    return null;
  }
}
