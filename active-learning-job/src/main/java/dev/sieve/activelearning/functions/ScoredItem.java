package dev.sieve.activelearning.functions;

import java.util.List;

/**
 * One classifier's prediction of one content, as the {@link Curator} of that classifier sees it.
 * {@code classes} are the keys of the classifier's scores, sorted, and {@code scores} follows them.
 * A POJO of strings and primitive arrays (no Kryo).
 */
public class ScoredItem {

  public String contentId;
  public String classifier;
  public String text;
  public String embeddingModel;
  public float[] embedding = new float[0];
  public int modelVersion;
  public String guess;
  public double confidence;
  public String[] classes = new String[0];
  public double[] scores = new double[0];
  public long scoredAtMs;

  public ScoredItem() {}

  public static String classifierOf(ScoredItem item) {
    return item.classifier;
  }

  static float[] toArray(List<Float> values) {
    float[] out = new float[values == null ? 0 : values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
