package dev.sieve.learning.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.model.LexicalFeaturiser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LexicalVocabularyTest {

  private static final List<String> TEXTS =
      List.of(
          "free prize waiting for you",
          "claim your free prize now",
          "are we still on for lunch",
          "lunch at noon then",
          "a one-off word: zyzzyva");

  @Test
  void keepsTheMostFrequentTermsSeenInAtLeastMinDfTexts() {
    LexicalFeaturiser all = LexicalVocabulary.fit(TEXTS, 1_000_000, 2);
    // a word in one text only is not kept; shared words are
    assertThat(all.features("zyzzyva")).containsOnly(0f);
    assertThat(all.features("free")).isNotEqualTo(new float[all.dimension()]);
    LexicalFeaturiser small = LexicalVocabulary.fit(TEXTS, 5, 2);
    assertThat(small.dimension()).isEqualTo(5);
    assertThat(all.dimension()).isGreaterThan(5);
  }

  @Test
  void theSameTextsInAnyOrderGiveTheSameBytes() {
    List<String> shuffled = new ArrayList<>(TEXTS);
    Collections.shuffle(shuffled, new Random(3));
    assertThat(LexicalVocabulary.fit(shuffled, 50, 2).toBytes())
        .isEqualTo(LexicalVocabulary.fit(TEXTS, 50, 2).toBytes());
  }

  @Test
  void aTermInFewerTextsWeighsMore() {
    List<String> texts = List.of("spam offer", "spam deal", "spam promo", "offer again");
    LexicalFeaturiser f = LexicalVocabulary.fit(texts, 1_000_000, 2);
    // "spam" is in 3 texts, "offer" in 2: in one text holding both once, "offer" weighs more
    float[] both = f.features("spam offer");
    float[] spam = f.features("spam");
    float[] offer = f.features("offer");
    int spamWord = argmaxOfWordOnly(spam, offer);
    int offerWord = argmaxOfWordOnly(offer, spam);
    assertThat(both[offerWord]).isGreaterThan(both[spamWord]);
  }

  /** The index set in {@code a} and not in {@code b} with the largest weight. */
  private static int argmaxOfWordOnly(float[] a, float[] b) {
    int best = -1;
    for (int i = 0; i < a.length; i++) {
      if (a[i] > 0 && b[i] == 0 && (best < 0 || a[i] > a[best])) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void textsWithNothingInCommonHaveNoVocabulary() {
    assertThatThrownBy(() -> LexicalVocabulary.fit(List.of("abc", "xyz"), 10, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no term occurs in 2");
  }
}
