package dev.sieve.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.inference.scoring.Verdict;
import dev.sieve.model.LexicalFeaturiser;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.OnnxHeads;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A version whose head reads lexical features is served from the texts: the runtime's validator
 * accepts it with its featuriser, and the loaded head computes each text's features as training
 * did. Real ONNX Runtime, a hand-made two-class head over a three-term vocabulary.
 */
class LexicalHeadServingTest {

  private static final SigningKey KEY = SigningKey.generate();

  @Test
  void aLexicalHeadScoresTextsByTheirWords() {
    // The vocabulary: the buckets of "prize", "free" and "lunch" (word unigrams).
    LexicalFeaturiser vocabulary =
        new LexicalFeaturiser(sortedBuckets("prize", "free", "lunch"), new float[] {1f, 1f, 1f});
    int[] buckets = sortedBuckets("prize", "free", "lunch");
    // spam weight on "prize" and "free", ham weight on "lunch"
    float[][] weights = new float[2][3];
    for (int j = 0; j < 3; j++) {
      boolean lunch = buckets[j] == LexicalFeaturiser.terms("lunch")[0];
      weights[0][j] = lunch ? -8f : 8f; // spam
      weights[1][j] = lunch ? 8f : -8f; // ham
    }
    ModelVersion version =
        ModelVersions.signed(
            ModelVersion.newBuilder()
                .setClassifier("spam")
                .setVersion(1)
                .setParentVersion(0)
                .setLabels(List.of("spam", "ham"))
                .setHead(ByteBuffer.wrap(OnnxHeads.linearSoftmax(weights, new float[2])))
                .setEmbeddingModelId("")
                .setEmbeddingModelDigest("")
                .setFeatures("lexical")
                .setFeaturiser(ByteBuffer.wrap(vocabulary.toBytes()))
                .setReason("new-labels")
                .setCreatedAtMs(1L)
                .setDigest("")
                .setKeyId("")
                .setSignature(null),
            KEY);
    SieveModelRuntime runtime =
        new SieveModelRuntime("all-minilm-l6-v2-q", 1, 1, KEY.trusted(), ModelBounds.defaults());

    Verdict verdict = runtime.validator().validate(version);

    assertThat(verdict.isAccepted()).as(verdict.message()).isTrue();
    float[][] p = verdict.head().predict(List.of("free prize", "lunch"), null);
    verdict.head().close();
    assertThat(p[0][0]).as("spam probability of 'free prize'").isGreaterThan(0.9f);
    assertThat(p[1][1]).as("ham probability of 'lunch'").isGreaterThan(0.9f);
  }

  /** The hash bucket of each single word, ascending (the featuriser's vocabulary order). */
  private static int[] sortedBuckets(String... words) {
    int[] out = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      int[] terms = LexicalFeaturiser.terms(words[i]);
      out[i] = terms[0];
    }
    Arrays.sort(out);
    return out;
  }
}
