package dev.sieve.tools.calibrate;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether two texts are the same text to a human labeler: equal once case, whitespace, punctuation,
 * mentions and links are ignored, or with an edit distance under a fifth of the longer one (a
 * re-post with a word or a few characters changed). This is the ground truth against which a
 * cosine-similarity threshold is judged. It is strict: a reworded re-post or a spam template with
 * another phone number counts as a different text, so precision measured against it is a lower
 * bound.
 */
final class TextSimilarity {

  /** Near-identical when {@code distance < length / EDIT_RATIO_DENOMINATOR}: ratio under 0.2. */
  static final int EDIT_RATIO_DENOMINATOR = 5;

  private TextSimilarity() {}

  private static final Pattern ADDRESSING = Pattern.compile("@\\w+|https?://\\S+|www\\.\\S+");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

  /**
   * NFKC, lower case, without mentions and links, every run of characters that are not letters or
   * digits as one space. Mentions and links address a text rather than say something: re-posts of
   * one tweet differ mostly in how many {@code @user}s lead it.
   */
  static String normalise(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = ADDRESSING.matcher(s).replaceAll(" ");
    return NOT_WORD.matcher(s).replaceAll(" ").strip();
  }

  /** True when the normalised texts are equal or closer than the edit ratio. */
  static boolean nearIdentical(String a, String b) {
    String x = normalise(a);
    String y = normalise(b);
    if (x.equals(y)) {
      return true;
    }
    int longest = Math.max(x.length(), y.length());
    int bound = (longest - 1) / EDIT_RATIO_DENOMINATOR; // integer form of distance < longest / 5
    return boundedLevenshtein(x, y, bound) <= bound;
  }

  /**
   * Levenshtein distance if it is at most {@code bound}, else {@code bound + 1}. Only the band of
   * cells within {@code bound} of the diagonal is filled (Ukkonen), which keeps thousands of pairs
   * of long SMS cheap. Hand-written: commons-text's {@code LevenshteinDistance(threshold)} does the
   * same but reaches the CLI only transitively (through Flink), and its version is not ours.
   */
  static int boundedLevenshtein(CharSequence a, CharSequence b, int bound) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > bound) {
      return bound + 1;
    }
    int inf = bound + 1;
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      prev[j] = j <= bound ? j : inf;
    }
    for (int i = 1; i <= n; i++) {
      int lo = Math.max(1, i - bound);
      int hi = Math.min(m, i + bound);
      Arrays.fill(cur, inf);
      cur[0] = i <= bound ? i : inf;
      int rowMin = cur[0];
      for (int j = lo; j <= hi; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        cur[j] = Math.min(v, inf);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (rowMin > bound) {
        return inf;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return Math.min(prev[m], inf);
  }
}
