package dev.sieve.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.learning.candidates.CandidateSelection;
import dev.sieve.learning.training.Head;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CandidateLearnerTest {

  private static final String NETWORK = "net";

  /**
   * Spam when the text says "prize" or its embedding leans on the first axis: neither the words nor
   * the embedding alone separate the classes, both together do (an OR is linear), so the hybrid
   * candidate wins and every part of the scorer is used.
   */
  private static AlDataset dataset(int perGroup, long seed) {
    Random random = new Random(seed);
    String[] filler = {"lunch", "meeting", "tomorrow", "call", "later", "home", "train", "dinner"};
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    for (int group = 0; group < 4; group++) {
      boolean cue = group < 2;
      boolean lean = group % 2 == 0;
      for (int i = 0; i < perGroup; i++) {
        StringBuilder text = new StringBuilder(cue ? "you won a prize" : "see you");
        for (int w = 0; w < 3; w++) {
          text.append(' ').append(filler[random.nextInt(filler.length)]);
        }
        float[] e = new float[8];
        e[0] = lean ? 0.8f : -0.8f;
        for (int d = 1; d < e.length; d++) {
          e[d] = (float) (0.3 * random.nextGaussian());
        }
        ids.add("g" + group + "-" + i);
        texts.add(text.toString());
        rows.add(unit(e));
        y.add(cue || lean ? 1 : 0);
      }
    }
    float[][] x = rows.toArray(float[][]::new);
    int[] labels = y.stream().mapToInt(Integer::intValue).toArray();
    int half = x.length / 2;
    int[] trainRows = IntStream.range(0, x.length).filter(i -> i % 2 == 0).toArray();
    int[] testRows = IntStream.range(0, x.length).filter(i -> i % 2 == 1).toArray();
    float[][] trainX = pick(x, trainRows);
    float[][] testX = pick(x, testRows);
    return new AlDataset(
        "synthetic",
        List.of("ham", "spam"),
        IntStream.of(trainRows).mapToObj(ids::get).toList(),
        IntStream.of(trainRows).mapToObj(texts::get).toList(),
        trainX,
        IntStream.of(trainRows).map(i -> labels[i]).toArray(),
        IntStream.of(testRows).mapToObj(texts::get).toList(),
        testX,
        IntStream.of(testRows).map(i -> labels[i]).toArray(),
        Map.of(NETWORK, trainX),
        Map.of(NETWORK, testX),
        new float[half][2],
        new int[half]);
  }

  @Test
  void scoresEverySplitRowAsTheChosenHeadDoesOnItsDenseFeatures() {
    AlDataset data = dataset(20, 7);
    int[] labelled = IntStream.range(0, data.trainSize()).toArray();

    AlLearner.Trained trained =
        new CandidateLearner(data, CandidateSelection.Settings.defaults()).train(labelled).get();

    // The same selection again (it is deterministic), applied row by row the way a head reads rows.
    List<String> labels = IntStream.of(data.trainY()).mapToObj(c -> data.labels().get(c)).toList();
    CandidateSelection.Outcome outcome =
        new CandidateSelection(CandidateSelection.Settings.defaults())
            .select(
                new CandidateSelection.Input(
                    data.trainTexts(), labels, data.labels(), data.trainByNetwork()),
                null);
    assertThat(trained.chosen()).isEqualTo(outcome.chosen().name()).startsWith("lexical+net/");
    for (int i = 0; i < data.trainSize(); i++) {
      float[] dense =
          outcome.head()
              .probabilities(
                  new float[][] {outcome.row(data.trainTexts().get(i), data.trainX()[i])})[0];
      assertThat(trained.trainProbabilities()[i][1]).isCloseTo(dense[1], within(1e-5f));
    }
    int correct = 0;
    for (int i = 0; i < data.testY().length; i++) {
      float[] dense =
          outcome.head()
              .probabilities(new float[][] {outcome.row(data.testTexts().get(i), data.testX()[i])})[
              0];
      assertThat(trained.testPredicted()[i]).isEqualTo(Head.argmax(dense));
      correct += trained.testPredicted()[i] == data.testY()[i] ? 1 : 0;
    }
    // Words and embedding together separate the classes; either alone is right on 3 in 4.
    assertThat(correct).isGreaterThanOrEqualTo(data.testY().length - 2);
  }

  @Test
  void trainsNothingUntilEveryClassHasFiveLabels() {
    AlDataset data = dataset(20, 11);
    // The last train rows are ham (no cue, no lean): take 4 of them and 20 spam rows.
    int[] spam = IntStream.range(0, 20).toArray();
    int[] fourHam = IntStream.range(data.trainSize() - 4, data.trainSize()).toArray();
    int[] fiveHam = IntStream.range(data.trainSize() - 5, data.trainSize()).toArray();
    CandidateLearner learner = new CandidateLearner(data, CandidateSelection.Settings.defaults());

    assertThat(learner.train(IntStream.concat(IntStream.of(spam), IntStream.of(fourHam)).toArray()))
        .isEmpty();
    assertThat(learner.train(IntStream.concat(IntStream.of(spam), IntStream.of(fiveHam)).toArray()))
        .isPresent();
  }

  private static float[][] pick(float[][] x, int[] rows) {
    return IntStream.of(rows).mapToObj(i -> x[i]).toArray(float[][]::new);
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float f : v) {
      norm += f * f;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
