package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.activelearning.testing.ItStack;
import dev.sieve.activelearning.testing.ScoredStream;
import dev.sieve.activelearning.testing.ScoredStream.Item;
import dev.sieve.activelearning.testing.WindowStatistics;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.EmbeddedFlink;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.ScoredContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drift on real text, with the default detector settings (reference and windows of 500 events): the
 * job scores texts with the same zero-shot ham/spam head throughout, first SMS, then tweets of
 * another shared dataset; and, separately, the whole SMS dataset shuffled.
 */
class DriftIT {

  /** Mid-window (windows end at 1,000, 1,500, 2,000 …), the general case. */
  private static final int BEFORE = 1_750;

  private static final int AFTER = 1_500;

  /** The stated bound: a finding within two windows of the switch. */
  private static final int BOUND = 2 * DriftConfig.DEFAULT_WINDOW;

  private static final Pattern AT_EVENT = Pattern.compile("(\\S+) \\S+ > \\S+ after (\\d+) events");

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          () ->
              new MiniClusterResourceConfiguration.Builder()
                  .setConfiguration(
                      METRICS.addToConfiguration(EmbeddedFlink.configuration(workDir())))
                  .setNumberTaskManagers(1)
                  .setNumberSlotsPerTaskManager(2)
                  .build());

  @Test
  void aSwitchFromSmsToEmotionTweetsRaisesDriftAndARetrainRequestWithinTwoWindows()
      throws Exception {
    List<Item> stream = new ArrayList<>(ScoredStream.of("sms_spam", 0, 1).subList(0, BEFORE));
    stream.addAll(ScoredStream.of("tweeteval_emotion", AFTER, 1));

    System.out.println(
        "DRIFT windows of the switching stream: "
            + WindowStatistics.of(
                stream, DriftConfig.DEFAULT_REFERENCE, DriftConfig.DEFAULT_WINDOW));
    ItStack it = new ItStack(METRICS);
    ActiveLearningConfig config = it.config();
    it.createTopics(config, 1); // one partition: the job sees the switch where it happened
    JobClient job = it.start(config, "drift-it-switch");
    try {
      send(it, config, stream);
      it.awaitCounter(job, "scoredItems", stream.size());

      List<RetrainRequest> retrain =
          it.readUntil(config.retrainTopic(), RetrainRequest.class, job, r -> !r.isEmpty());
      List<DriftAlert> alerts = it.readAll(config.driftTopic(), DriftAlert.class, job);

      assertThat(alerts).isNotEmpty();
      assertThat(alerts)
          .allSatisfy(
              a -> {
                assertThat(a.getClassifier()).isEqualTo(ScoredStream.CLASSIFIER);
                assertThat(a.getStatistic()).isGreaterThan(a.getThreshold());
                assertThat(a.getReferenceSize()).isEqualTo(DriftConfig.DEFAULT_REFERENCE);
                assertThat(a.getWindowSize()).isEqualTo(DriftConfig.DEFAULT_WINDOW);
                assertThat(a.getModelVersion()).isEqualTo(1);
              });
      RetrainRequest first = retrain.get(0);
      assertThat(first.getReason()).isEqualTo("drift");
      Matcher m = AT_EVENT.matcher(first.getDetail());
      assertThat(m.find()).as(first.getDetail()).isTrue();
      long delay = Long.parseLong(m.group(2)) - BEFORE;
      System.out.printf(
          "DRIFT switch_at=%d first_detector=%s delay_events=%d alerts=%s%n",
          BEFORE,
          m.group(1),
          delay,
          alerts.stream()
              .map(
                  a ->
                      String.format(
                          "%s=%.3f/%.3f", a.getDetector(), a.getStatistic(), a.getThreshold()))
              .toList());
      for (RetrainRequest r : retrain) {
        System.out.println("DRIFT retrain detail: " + r.getDetail());
      }
      assertThat(delay).as("events after the switch").isPositive().isLessThanOrEqualTo(BOUND);
    } finally {
      job.cancel().get();
    }
  }

  @Test
  void aStationaryShuffledStreamOfAllSmsTextsRaisesNothing() throws Exception {
    List<Item> stream = ScoredStream.of("sms_spam", 0, 1);
    assertThat(stream).hasSizeGreaterThanOrEqualTo(5_000);
    System.out.println(
        "DRIFT stationary, largest window statistics: "
            + WindowStatistics.max(
                WindowStatistics.of(
                    stream, DriftConfig.DEFAULT_REFERENCE, DriftConfig.DEFAULT_WINDOW)));

    ItStack it = new ItStack(METRICS);
    ActiveLearningConfig config = it.config();
    it.createTopics(config, 1);
    JobClient job = it.start(config, "drift-it-stationary");
    try {
      send(it, config, stream);
      it.awaitCounter(job, "scoredItems", stream.size());

      assertThat(it.readAll(config.driftTopic(), DriftAlert.class, job)).isEmpty();
      assertThat(it.readAll(config.retrainTopic(), RetrainRequest.class, job)).isEmpty();
      System.out.printf("DRIFT stationary events=%d alerts=0%n", stream.size());
    } finally {
      job.cancel().get();
    }
  }

  private static void send(ItStack it, ActiveLearningConfig config, List<Item> stream)
      throws Exception {
    ConfluentAvroCodec<ScoredContent> codec = it.codec(ScoredContent.class);
    it.send(
        config.scoredTopic(),
        stream.stream().map(Item::id).toList(),
        stream.stream()
            .map(i -> codec.encode(config.scoredTopic(), ScoredStream.scored(i)))
            .toList());
  }

  private static Path workDir() {
    try {
      return Files.createTempDirectory("drift-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
