package dev.sieve.learning.candidates;

import dev.sieve.model.LexicalFeaturiser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a {@link LexicalFeaturiser} on labelled texts: the vocabulary is the K hashed terms with the
 * highest document frequency (ties by hash, so the same texts always give the same vocabulary),
 * among terms in at least {@code minDf} texts; idf is {@code ln((1 + n) / (1 + df)) + 1} (the
 * smoothed idf of scikit-learn's {@code TfidfVectorizer}). Labels are not read: the vocabulary is
 * what the texts share, not what separates classes.
 */
public final class LexicalVocabulary {

  /**
   * Default K. Hashed word 1-2-grams and character 3-5-grams of 13,000 tweets give about 400,000
   * distinct terms, 60,000 of them in two texts or more; 8,192 keeps a head at 8,192 x classes
   * weights (32 KB a class as float) and the training rows sparse, and measured within noise of
   * 16,384 on the shared datasets (docs/measurements/eval-candidates.md).
   */
  public static final int DEFAULT_BUCKETS = 8192;

  public static final int DEFAULT_MIN_DF = 2;

  private LexicalVocabulary() {}

  /** Fits on {@code texts}. */
  public static LexicalFeaturiser fit(List<String> texts, int buckets, int minDf) {
    List<int[]> terms = new ArrayList<>(texts.size());
    for (String t : texts) {
      terms.add(LexicalFeaturiser.terms(t));
    }
    return fitTerms(terms, buckets, minDf);
  }

  /**
   * Fits on texts already split into hashed terms ({@link LexicalFeaturiser#terms}), so
   * cross-validation hashes each text once and fits one vocabulary per fold.
   */
  public static LexicalFeaturiser fitTerms(List<int[]> termsPerText, int buckets, int minDf) {
    if (buckets < 1) {
      throw new IllegalArgumentException("the vocabulary needs at least 1 bucket");
    }
    Map<Integer, int[]> df = new HashMap<>();
    for (int[] terms : termsPerText) {
      int[] unique = Arrays.stream(terms).distinct().toArray();
      for (int h : unique) {
        df.computeIfAbsent(h, x -> new int[1])[0]++;
      }
    }
    long[] ranked =
        df.entrySet().stream()
            .filter(e -> e.getValue()[0] >= Math.max(1, minDf))
            // df descending, then hash ascending: encoded in one sortable long
            .mapToLong(e -> ((long) -e.getValue()[0] << 32) | (e.getKey() & 0xffffffffL))
            .sorted()
            .limit(buckets)
            .toArray();
    if (ranked.length == 0) {
      throw new IllegalArgumentException(
          "no term occurs in " + minDf + " or more of the " + termsPerText.size() + " texts");
    }
    int n = termsPerText.size();
    long[] byBucket = new long[ranked.length];
    for (int i = 0; i < ranked.length; i++) {
      int bucket = (int) ranked[i];
      int count = (int) -(ranked[i] >> 32);
      // sort by bucket as a signed int; keep df in the low half
      byBucket[i] = ((long) bucket << 32) | count;
    }
    Arrays.sort(byBucket);
    int[] vocabulary = new int[byBucket.length];
    float[] idf = new float[byBucket.length];
    for (int i = 0; i < byBucket.length; i++) {
      vocabulary[i] = (int) (byBucket[i] >> 32);
      int count = (int) byBucket[i];
      idf[i] = (float) (Math.log((1.0 + n) / (1.0 + count)) + 1);
    }
    return new LexicalFeaturiser(vocabulary, idf);
  }
}
