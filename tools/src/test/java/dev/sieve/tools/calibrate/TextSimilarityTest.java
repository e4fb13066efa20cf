package dev.sieve.tools.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextSimilarityTest {

  @Test
  void caseSpacingPunctuationMentionsAndLinksDoNotMakeTextsDifferent() {
    assertThat(TextSimilarity.normalise("@user @user  He is Spartacus!!! https://t.co/x1"))
        .isEqualTo("he is spartacus");
    assertThat(TextSimilarity.nearIdentical("@user He is Spartacus!!!", "He is spartacus"))
        .isTrue();
  }

  @Test
  void aFewChangedCharactersInALongTextAreStillTheSameText() {
    String a = "Sorry, I'll call later in the meeting today";
    String b = "Sorry, I will call later in the meeting today";

    assertThat(TextSimilarity.nearIdentical(a, b)).isTrue();
  }

  @Test
  void differentWordsOnTheSameSubjectAreDifferentTexts() {
    assertThat(TextSimilarity.nearIdentical("holy fuck", "Holy shit")).isFalse();
    assertThat(TextSimilarity.nearIdentical("I am so happy today", "I am so sad today")).isFalse();
  }

  @Test
  void theEditRatioMustBeStrictlyBelowOneFifth() {
    // "abcde" vs "abcdx": 1 edit in 5 characters = 0.2, not below 0.2
    assertThat(TextSimilarity.nearIdentical("abcde", "abcdx")).isFalse();
    // 1 edit in 6 characters = 0.17
    assertThat(TextSimilarity.nearIdentical("abcdef", "abcdex")).isTrue();
  }

  @Test
  void boundedLevenshteinIsExactWithinTheBoundAndSaturatesAbove() {
    assertThat(TextSimilarity.boundedLevenshtein("kitten", "sitting", 3)).isEqualTo(3);
    assertThat(TextSimilarity.boundedLevenshtein("kitten", "sitting", 2)).isEqualTo(3);
    assertThat(TextSimilarity.boundedLevenshtein("", "abc", 5)).isEqualTo(3);
    assertThat(TextSimilarity.boundedLevenshtein("flaw", "lawn", 4)).isEqualTo(2);
  }
}
