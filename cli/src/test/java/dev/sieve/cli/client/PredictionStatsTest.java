package dev.sieve.cli.client;

import static dev.sieve.cli.client.Records.accuracy;
import static dev.sieve.cli.client.Records.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aggregation of {@code sieve stats}, on fixed records. */
class PredictionStatsTest {

  private static PredictionStats spamAndTopics() {
    PredictionStats stats = new PredictionStats(0.6, null);
    stats.add(prediction("m1", "spam", "ham", "spam", 0.95, 3));
    stats.add(prediction("m2", "spam", "ham", "spam", 0.55, 3));
    stats.add(prediction("m3", "spam", "spam", "ham", 0.90, 4));
    stats.add(prediction("m4", "spam", "ham", "spam", 0.80, 4));
    stats.add(prediction("m1", "topic", "billing", "bug", 0.50, 0));
    stats.add(accuracy("spam", 3, 6, 10, 1, 2, 1_000));
    stats.add(accuracy("spam", 3, 13, 16, 3, 4, 2_000)); // later: replaces the first
    stats.add(accuracy("spam", 3, 1, 1, 0, 0, 500)); // older, arriving late: ignored
    stats.add(accuracy("spam", 4, 2, 2, 0, 0, 3_000));
    return stats;
  }

  @Test
  void countsPredictionsClassesAndConfidencePerClassifier() {
    PredictionStats stats = spamAndTopics();

    assertThat(stats.predictions()).isEqualTo(5);
    assertThat(stats.classifiers())
        .extracting(ClassifierStats::classifier)
        .containsExactly("spam", "topic");
    ClassifierStats spam = stats.classifiers().get(0);
    assertThat(spam.predictions()).isEqualTo(4);
    assertThat(spam.classCounts()).containsExactly(entry("ham", 3L), entry("spam", 1L));
    assertThat(spam.share("ham")).isEqualTo(0.75);
    assertThat(spam.meanConfidence()).isCloseTo((0.95 + 0.55 + 0.90 + 0.80) / 4, within(1e-12));
    assertThat(spam.lowConfidence()).isEqualTo(1);
    assertThat(spam.lowConfidenceRate()).isEqualTo(0.25);
    assertThat(spam.versionCounts()).containsExactly(entry(4, 2L), entry(3, 2L));
    assertThat(spam.latestVersion()).isEqualTo(4);
  }

  @Test
  void aClassNeverPredictedIsListedWithZero() {
    ClassifierStats topic = spamAndTopics().classifiers().get(1);
    assertThat(topic.classCounts()).containsExactly(entry("billing", 1L), entry("bug", 0L));
    assertThat(topic.share("bug")).isZero();
  }

  @Test
  void keepsTheLatestLiveAccuracyOfEachVersion() {
    ClassifierStats spam = spamAndTopics().classifiers().get(0);
    assertThat(spam.accuracy())
        .extracting(a -> a.getModelVersion() + ":" + a.getCorrect() + "/" + a.getLabels())
        .containsExactly("4:2/2", "3:13/16");
  }

  @Test
  void aClassifierFilterKeepsOnlyThatOne() {
    PredictionStats stats = new PredictionStats(0.6, "topic");
    stats.add(prediction("m1", "spam", "ham", "spam", 0.95, 3));
    stats.add(prediction("m1", "topic", "bug", "billing", 0.7, 1));
    stats.add(accuracy("spam", 3, 1, 1, 0, 0, 1));
    assertThat(stats.classifiers())
        .extracting(ClassifierStats::classifier)
        .containsExactly("topic");
    assertThat(stats.predictions()).isEqualTo(1);
  }

  @Test
  void accuracyWithoutPredictionsIsStillShown() {
    PredictionStats stats = new PredictionStats(0.6, null);
    stats.add(accuracy("spam", 2, 0, 0, 0, 0, 1));
    ClassifierStats spam = stats.classifiers().get(0);
    assertThat(spam.predictions()).isZero();
    assertThat(spam.meanConfidence()).isNaN();
    assertThat(StatsReport.classifier(spam))
        .isEqualTo(
            """
            classifier 'spam': 0 predictions
              live accuracy from human labels (biased: mostly uncertain samples; unbiased: random samples)
              VERSION  ACCURACY  LABELS  UNBIASED  RANDOM LABELS
                   v2         -     0/0         -            0/0
            """);
  }

  @Test
  void theReportShowsEveryFigure() {
    String report = StatsReport.render(spamAndTopics());
    assertThat(report)
        .isEqualTo(
            """
            classifier 'spam': 4 predictions
              versions         v4 (2, serving now), v3 (2)
              mean confidence  0.800
              low confidence   25.0 % (1 below 0.60)
              CLASS  COUNT   SHARE
              ham        3  75.0 %
              spam       1  25.0 %
              live accuracy from human labels (biased: mostly uncertain samples; unbiased: random samples)
              VERSION  ACCURACY  LABELS  UNBIASED  RANDOM LABELS
                   v4     1.000     2/2         -            0/0
                   v3     0.813   13/16     0.750            3/4

            classifier 'topic': 1 prediction
              versions         v0 (1, serving now)
              mean confidence  0.500
              low confidence   100.0 % (1 below 0.60)
              CLASS    COUNT    SHARE
              billing      1  100.0 %
              bug          0    0.0 %
              live accuracy    no labels yet
            """);
  }

  @Test
  void theThresholdIsAProbability() {
    assertThatThrownBy(() -> new PredictionStats(1.5, null))
        .hasMessage("--low-confidence must be between 0 and 1, got 1.5");
    assertThat(List.of(new PredictionStats(0, null), new PredictionStats(1, null))).hasSize(2);
  }

  private static <K, V> Map.Entry<K, V> entry(K k, V v) {
    return Map.entry(k, v);
  }
}
