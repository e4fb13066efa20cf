package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LexicalFeaturiserTest {

  @Test
  void murmurHashMatchesTheReferenceVectors() {
    // MurmurHash3_x86_32 reference values (seed 0 unless given)
    assertThat(LexicalFeaturiser.murmur3x86x32(new byte[0], 0)).isZero();
    assertThat(LexicalFeaturiser.murmur3x86x32(new byte[0], 1)).isEqualTo(0x514E28B7);
    assertThat(LexicalFeaturiser.murmur3x86x32(bytes("hello"), 0)).isEqualTo(0x248bfa47);
    assertThat(
            LexicalFeaturiser.murmur3x86x32(
                bytes("The quick brown fox jumps over the lazy dog"), 0))
        .isEqualTo(0x2e4ff723);
    assertThat(LexicalFeaturiser.murmur3x86x32(new byte[] {0x21, 0x43, 0x65}, 0))
        .isEqualTo(0x7e4a8634);
  }

  @Test
  void aTextBecomesAUnitTfIdfVectorOverItsKnownTerms() {
    LexicalFeaturiser f = featuriser("win", "free", "prize");
    float[] v = f.features("WIN a free prize, win now");
    assertThat(v).hasSize(3);
    assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
    // "win" occurs twice: sublinear tf 1 + ln 2 against 1 for "free" (same idf)
    int win = index(f, "w win");
    int free = index(f, "w free");
    assertThat(v[win] / v[free]).isCloseTo((float) (1 + Math.log(2)), within(1e-4f));
    assertThat(f.features("nothing known here")).containsOnly(0f);
  }

  @Test
  void sameTextSameVectorAndTheBytesRoundTrip() {
    LexicalFeaturiser f = featuriser("win", "free", "prize");
    byte[] bytes = f.toBytes();
    LexicalFeaturiser back = LexicalFeaturiser.fromBytes(bytes);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.features("free prize!")).isEqualTo(f.features("free prize!"));
    assertThat(f.features("free prize!")).isEqualTo(f.features("free prize!"));
    assertThat(bytes).hasSize(4 + 1 + 4 + 3 * 8);
    assertThat(Arrays.copyOf(bytes, 4)).isEqualTo(bytes("SLXF"));
  }

  @Test
  void termsAreWordsWordPairsAndCharacterGramsOfTheLowerCasedText() {
    int[] terms = LexicalFeaturiser.terms("Ab  CD");
    // words ab, cd; pair "ab cd"; text " ab cd " (7 code points): 5 + 4 + 3 character grams
    assertThat(terms).hasSize(2 + 1 + 5 + 4 + 3);
    assertThat(terms).contains(LexicalFeaturiser.hash("w ab"), LexicalFeaturiser.hash("b ab cd"));
    assertThat(terms).contains(LexicalFeaturiser.hash("c  ab"), LexicalFeaturiser.hash("c cd "));
    assertThat(LexicalFeaturiser.terms("")).isEmpty();
    assertThat(LexicalFeaturiser.terms(null)).isEmpty();
    assertThat(LexicalFeaturiser.terms("\uD83D\uDE00 ok")).isNotEmpty(); // emoji: by code point
  }

  @Test
  void malformedBytesAreRefusedWithAReason() {
    byte[] good = featuriser("a1", "b2").toBytes();
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter than");
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(magic))
        .hasMessageContaining("not a lexical featuriser");
    byte[] version = good.clone();
    version[4] = 9;
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(version))
        .hasMessageContaining("format version 9");
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(Arrays.copyOf(good, good.length - 1)))
        .hasMessageContaining("needs");
    byte[] order = good.clone();
    ByteBuffer.wrap(order).putInt(9, Integer.MAX_VALUE); // first bucket above the second
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(order))
        .hasMessageContaining("strictly ascending");
    byte[] idf = good.clone();
    ByteBuffer.wrap(idf).putFloat(9 + 8, Float.NaN);
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(idf)).hasMessageContaining("idf");
    byte[] k = good.clone();
    ByteBuffer.wrap(k).putInt(5, -1);
    assertThatThrownBy(() -> LexicalFeaturiser.fromBytes(k)).hasMessageContaining("K must be");
  }

  @Test
  void headFeaturesAssembleLexicalThenEmbedding() {
    float[] lex = {1, 0};
    float[] emb = {0, 0.6f, 0.8f};
    assertThat(HeadFeatures.LEXICAL_EMBEDDING.assemble(lex, emb))
        .containsExactly(1, 0, 0, 0.6f, 0.8f);
    assertThat(HeadFeatures.EMBEDDING.assemble(null, emb)).isSameAs(emb);
    assertThat(HeadFeatures.byId("lexical")).isEqualTo(HeadFeatures.LEXICAL);
    assertThat(HeadFeatures.byId("")).isEqualTo(HeadFeatures.EMBEDDING);
    assertThatThrownBy(() -> HeadFeatures.byId("tf-idf")).hasMessageContaining("unknown");
  }

  @Test
  void recordedCostsNameEveryCandidateNetworkAndCombineForAHybrid() {
    ExtractorCosts costs = ExtractorCosts.recorded();
    for (String id :
        new String[] {"lexical", "all-minilm-l6-v2-q", "e5-small-v2-q", "e5-small-v2-q+query"}) {
      assertThat(costs.eventsPerSecondPerCore(id)).as(id).isPositive();
    }
    double lexical = costs.eventsPerSecondPerCore("lexical");
    double e5 = costs.eventsPerSecondPerCore("e5-small-v2-q");
    assertThat(costs.eventsPerSecondPerCore("lexical+e5-small-v2-q"))
        .isCloseTo(1 / (1 / lexical + 1 / e5), within(1e-6))
        .isLessThan(e5);
    assertThat(costs.eventsPerSecondPerCore("no-such-network")).isZero();
  }

  private static LexicalFeaturiser featuriser(String... words) {
    int[] buckets =
        Arrays.stream(words).mapToInt(w -> LexicalFeaturiser.hash("w " + w)).sorted().toArray();
    float[] idf = new float[buckets.length];
    Arrays.fill(idf, 1.5f);
    return new LexicalFeaturiser(buckets, idf);
  }

  private static int index(LexicalFeaturiser f, String term) {
    byte[] b = f.toBytes();
    ByteBuffer in = ByteBuffer.wrap(b, 9, b.length - 9);
    int h = LexicalFeaturiser.hash(term);
    for (int i = 0; i < f.dimension(); i++) {
      if (in.getInt() == h) {
        return i;
      }
    }
    throw new AssertionError(term);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
