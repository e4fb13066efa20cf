package dev.sieve.model;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lexical feature extractor a head can read instead of, or beside, a sentence embedding: a text
 * becomes a dense {@code float[K]} of TF-IDF weights over a learned vocabulary of K hashed n-grams,
 * L2-normalised. Needs no network; its parameters (vocabulary and idf) are learned from the
 * labelled texts in {@code learning/} and travel as {@link #toBytes()} inside a model version.
 *
 * <p>Terms of a text, after lower-casing ({@link Locale#ROOT}): its words ({@code [\p{L}\p{N}]+}
 * runs) and pairs of neighbouring words, and the character 3-, 4- and 5-grams (by code point) of
 * the text with every whitespace run collapsed to one space and one space added at each end. Each
 * term is hashed with MurmurHash3 x86_32 (seed 0) over the UTF-8 bytes of the term behind a kind
 * prefix ({@code "w "} word, {@code "b "} word pair, {@code "c "} characters), so a word and a
 * character gram never share a hash by construction. The 32-bit hash itself is the bucket: the
 * vocabulary is the sorted list of the K buckets kept, a feature's index is its bucket's position,
 * and terms outside the vocabulary are dropped. Weight of a kept bucket: {@code (1 + ln tf) * idf}.
 *
 * <p>MurmurHash3 is written out here (about 30 lines, checked against the reference vectors in the
 * tests) rather than taken from Guava or commons-codec: neither is on this module's class path, and
 * this module goes into Flink's {@code lib/}, where an extra Guava would be one more version to
 * keep apart from Flink's own. The hash is part of the byte format: changing it needs a new {@link
 * #FORMAT_VERSION}.
 *
 * <p>Byte format ({@link #toBytes()}), big-endian: the 4 ASCII bytes {@code SLXF}, the format
 * version (1 byte, {@value #FORMAT_VERSION}), K (4 bytes), then K buckets (4 bytes each, strictly
 * ascending as signed ints) followed by K idf weights (4-byte floats, finite and positive). Nothing
 * else: the n-gram ranges and the hash are fixed by the version. Immutable and thread-safe.
 */
public final class LexicalFeaturiser {

  /** The version of the byte format and of the term rules above. */
  public static final int FORMAT_VERSION = 1;

  /**
   * The most buckets a featuriser may have (the byte format would allow more; a head would not).
   */
  public static final int MAX_BUCKETS = 1 << 20;

  private static final byte[] MAGIC = "SLXF".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 1 + 4;
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final int[] buckets;
  private final float[] idf;

  /**
   * A featuriser over {@code buckets} (strictly ascending) with their {@code idf} weights; see
   * {@code learning/}'s vocabulary fitting for where they come from.
   */
  public LexicalFeaturiser(int[] buckets, float[] idf) {
    check(
        buckets.length == idf.length, "%d buckets but %d idf weights", buckets.length, idf.length);
    check(
        buckets.length >= 1 && buckets.length <= MAX_BUCKETS,
        "K must be in [1, %d], got %d",
        MAX_BUCKETS,
        buckets.length);
    for (int i = 0; i < buckets.length; i++) {
      check(
          i == 0 || buckets[i - 1] < buckets[i],
          "buckets must be strictly ascending (position %d)",
          i);
      check(
          Float.isFinite(idf[i]) && idf[i] > 0,
          "idf weights must be finite and > 0 (position %d)",
          i);
    }
    this.buckets = buckets.clone();
    this.idf = idf.clone();
  }

  /** K, the length of {@link #features}. */
  public int dimension() {
    return buckets.length;
  }

  /** The TF-IDF vector of {@code text}, L2-normalised (all zeros when no term is known). */
  public float[] features(String text) {
    float[] out = new float[buckets.length];
    Sparse s = sparse(terms(text));
    for (int i = 0; i < s.indices().length; i++) {
      out[s.indices()[i]] = s.values()[i];
    }
    return out;
  }

  /** The non-zero entries of a vector: ascending indices and their values. */
  public record Sparse(int[] indices, float[] values) {}

  /**
   * {@link #features} of a text already split by {@link #terms}, as its non-zero entries: what
   * training uses (the same numbers as the dense vector, without K floats per text).
   */
  public Sparse sparse(int[] terms) {
    int[] hits = new int[terms.length];
    int n = 0;
    for (int h : terms) {
      int i = Arrays.binarySearch(buckets, h);
      if (i >= 0) {
        hits[n++] = i;
      }
    }
    Arrays.sort(hits, 0, n);
    int[] indices = new int[n];
    float[] values = new float[n];
    int m = 0;
    double norm = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && hits[j] == hits[i]) {
        j++;
      }
      float w = (float) ((1 + Math.log(j - i)) * idf[hits[i]]);
      indices[m] = hits[i];
      values[m++] = w;
      norm += (double) w * w;
      i = j;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < m; i++) {
        values[i] *= inv;
      }
    }
    return new Sparse(Arrays.copyOf(indices, m), Arrays.copyOf(values, m));
  }

  /**
   * The hashed terms of {@code text}, one entry per occurrence (words, word pairs, then character
   * grams): what {@link #features} counts and what vocabulary fitting counts document frequencies
   * of.
   */
  public static int[] terms(String text) {
    String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
    IntList out = new IntList(lower.length() * 3 + 16);
    Matcher m = WORD.matcher(lower);
    String previous = null;
    while (m.find()) {
      String word = m.group();
      out.add(hash("w " + word));
      if (previous != null) {
        out.add(hash("b " + previous + " " + word));
      }
      previous = word;
    }
    String squeezed = " " + SPACES.matcher(lower.strip()).replaceAll(" ") + " ";
    int[] cps = squeezed.codePoints().toArray();
    if (cps.length > 2) {
      for (int n = 3; n <= 5; n++) {
        for (int i = 0; i + n <= cps.length; i++) {
          out.add(hash("c " + new String(cps, i, n)));
        }
      }
    }
    return out.toArray();
  }

  /** The parameters in the byte format of the class comment. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(HEADER + 8 * buckets.length);
    out.put(MAGIC).put((byte) FORMAT_VERSION).putInt(buckets.length);
    for (int b : buckets) {
      out.putInt(b);
    }
    for (float w : idf) {
      out.putFloat(w);
    }
    return out.array();
  }

  /**
   * Reads {@link #toBytes()}; throws {@link IllegalArgumentException} saying what is wrong with
   * bytes that are not a featuriser of a known version.
   */
  public static LexicalFeaturiser fromBytes(byte[] bytes) {
    check(bytes != null, "no bytes");
    check(
        bytes.length >= HEADER, "%d bytes, shorter than the %d-byte header", bytes.length, HEADER);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    check(Arrays.equals(magic, MAGIC), "does not start with SLXF: not a lexical featuriser");
    int version = in.get() & 0xff;
    check(
        version == FORMAT_VERSION,
        "format version %d, this runtime reads version %d",
        version,
        FORMAT_VERSION);
    int k = in.getInt();
    check(k >= 1 && k <= MAX_BUCKETS, "K must be in [1, %d], got %d", MAX_BUCKETS, k);
    check(
        bytes.length == HEADER + 8L * k,
        "K=%d needs %d bytes, got %d",
        k,
        HEADER + 8L * k,
        bytes.length);
    int[] buckets = new int[k];
    float[] idf = new float[k];
    try {
      for (int i = 0; i < k; i++) {
        buckets[i] = in.getInt();
      }
      for (int i = 0; i < k; i++) {
        idf[i] = in.getFloat();
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("lexical featuriser: truncated", e);
    }
    return new LexicalFeaturiser(buckets, idf);
  }

  /** MurmurHash3 x86_32 of the UTF-8 bytes of {@code s}, seed 0. */
  static int hash(String s) {
    return murmur3x86x32(s.getBytes(StandardCharsets.UTF_8), 0);
  }

  /** MurmurHash3 x86_32 (Austin Appleby's reference, public domain). */
  static int murmur3x86x32(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int j = i * 4;
      int k =
          (data[j] & 0xff)
              | (data[j + 1] & 0xff) << 8
              | (data[j + 2] & 0xff) << 16
              | (data[j + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int k = 0;
    switch (data.length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
      // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
      // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
      // fall through
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static void check(boolean ok, String message, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(
          "lexical featuriser: " + String.format(Locale.ROOT, message, args));
    }
  }

  /** A growable int array, so hashing a text boxes nothing. */
  private static final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
      a = new int[Math.max(16, capacity)];
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
