package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.testing.ActiveLearningJobs;
import dev.sieve.activelearning.testing.ScoredStream;
import dev.sieve.activelearning.testing.ScoredStream.Item;
import dev.sieve.activelearning.testing.WindowStatistics;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.drift.DriftMonitor;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drift on real text: the demo corpus bundled with the repository, scored throughout by the demo's
 * zero-shot topic head. First the corpus in its stream order — a web shop's customers (719
 * messages), then the shift to smart-home devices and a subscription app with another class mix
 * (561) — and, separately, the same 1,280 messages shuffled, a stationary stream.
 *
 * <p>Reference and windows of {@value #WINDOW} events, with the thresholds the job derives for that
 * size from the calibrated ones ({@link DriftConfig#forWindows}: confidence PSI 0.375, class-mix
 * PSI 0.275, centroid 0.075). The default 500 would leave a stationary stream of 1,280 events one
 * window; at 200 it has five, and the switching stream has two windows of web-shop messages before
 * the shift (which must not alarm) and two after it. Measured with the real model (AVX-512 VNNI):
 *
 * <ul>
 *   <li>switching stream, windows ending at 400 / 600 / 800 / 1,000 / 1,200: centroid 0.024 / 0.023
 *       / 0.095 / 0.262 / 0.266 (threshold 0.075), class-mix PSI 0.03 / 0.04 / 0.23 / 0.33 / 0.25
 *       (0.275), confidence PSI at most 0.24 (0.375). The window that ends at 800 holds 81
 *       post-shift messages and may alarm or not; the one ending at 1,000, all post-shift, is 3.5x
 *       the centroid threshold: the finding comes 81 or 281 events after the switch, within the
 *       stated bound of two windows (400), and the web-shop windows are at a third of it.
 *   <li>shuffled stream, over 200 shuffles (1,000 windows): centroid at most 0.048 (0.64x its
 *       threshold), class-mix PSI at most 0.17 (0.63x), confidence PSI at most 0.28 (0.74x).
 * </ul>
 */
class DriftIT {

  private static final int WINDOW = 200;

  /** The stated bound: a finding within two windows of the switch. */
  private static final int BOUND = 2 * WINDOW;

  private static final Pattern AT_EVENT = Pattern.compile("(\\S+) \\S+ > \\S+ after (\\d+) events");

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  @Test
  void theDemoCorpusShiftRaisesDriftAndARetrainRequestWithinTwoWindows() throws Exception {
    List<Item> stream = ScoredStream.demo();
    int before = (int) stream.stream().filter(i -> i.phase() == DemoCorpus.BEFORE_SHIFT).count();
    assertThat(stream.subList(0, before))
        .allSatisfy(i -> assertThat(i.phase()).isEqualTo(DemoCorpus.BEFORE_SHIFT));
    assertThat(before % WINDOW).as("the switch falls mid-window, the general case").isNotZero();
    assertThat(stream.size() - before)
        .as("two whole windows after the switch")
        .isGreaterThan(BOUND);

    ItStack it = new ItStack("al-it", METRICS);
    ActiveLearningConfig config = config(it);
    printWindows("switching stream, shift after event " + before, stream, config.drift());
    ActiveLearningJobs.createTopics(
        it, config, 1); // one partition: the job sees the switch where it happened
    JobClient job = ActiveLearningJobs.start(config, "drift-it-switch");
    try {
      send(it, config, stream);
      it.awaitCounter(job, "scoredItems", stream.size());

      List<RetrainRequest> retrain =
          it.readCommitted(config.retrainTopic(), RetrainRequest.class, job, r -> !r.isEmpty());
      List<DriftAlert> alerts = it.readAll(config.driftTopic(), DriftAlert.class, job);

      assertThat(alerts).isNotEmpty();
      assertThat(alerts)
          .allSatisfy(
              a -> {
                assertThat(a.getClassifier()).isEqualTo(ScoredStream.CLASSIFIER);
                assertThat(a.getStatistic()).isGreaterThan(a.getThreshold());
                assertThat(a.getReferenceSize()).isEqualTo(WINDOW);
                assertThat(a.getWindowSize()).isEqualTo(WINDOW);
                assertThat(a.getModelVersion()).isEqualTo(1);
              });
      assertWindowsMatch(it, config, job, stream, alerts);

      RetrainRequest first = retrain.get(0);
      assertThat(first.getReason()).isEqualTo("drift");
      Matcher m = AT_EVENT.matcher(first.getDetail());
      assertThat(m.find()).as(first.getDetail()).isTrue();
      long delay = Long.parseLong(m.group(2)) - before;
      System.out.printf(
          "DRIFT switch_at=%d first_detector=%s delay_events=%d alerts=%s%n",
          before,
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
        Matcher each = AT_EVENT.matcher(r.getDetail());
        while (each.find()) {
          assertThat(Long.parseLong(each.group(2)))
              .as("no finding on the web shop's messages: %s", r.getDetail())
              .isGreaterThan(before);
        }
      }
      assertThat(delay).as("events after the switch").isPositive().isLessThanOrEqualTo(BOUND);
    } finally {
      job.cancel().get();
    }
  }

  @Test
  void theDemoCorpusShuffledIsAStationaryStreamThatRaisesNothing() throws Exception {
    List<Item> stream = ScoredStream.shuffled(1);
    assertThat(stream).hasSize(1_280);
    ItStack it = new ItStack("al-it", METRICS);
    ActiveLearningConfig config = config(it);
    printWindows("stationary stream (shuffled)", stream, config.drift());

    ActiveLearningJobs.createTopics(it, config, 1);
    JobClient job = ActiveLearningJobs.start(config, "drift-it-stationary");
    try {
      send(it, config, stream);
      it.awaitCounter(job, "scoredItems", stream.size());

      assertThat(it.readAll(config.driftTopic(), DriftAlert.class, job)).isEmpty();
      assertThat(it.readAll(config.retrainTopic(), RetrainRequest.class, job)).isEmpty();
      List<DriftWindow> windows = assertWindowsMatch(it, config, job, stream, List.of());
      assertThat(windows).hasSize(3 * 5).noneMatch(DriftWindow::getAlerted);
      System.out.printf(
          "DRIFT stationary events=%d windows=%d alerts=0%n",
          stream.size(), (stream.size() - WINDOW) / WINDOW);
    } finally {
      job.cancel().get();
    }
  }

  /**
   * The job publishes every closed window of the three windowed detectors on {@code
   * sieve.drift.windows}: for each detector, the windows the offline computation finds, in order,
   * up to and including the one that alerted (then the detector is muted for its cooldown, longer
   * than this stream), with the same statistic (float sums: a margin), its threshold and whether it
   * alerted; the alerted ones are exactly the alerts on {@code sieve.drift}.
   */
  private static List<DriftWindow> assertWindowsMatch(
      ItStack it,
      ActiveLearningConfig config,
      JobClient job,
      List<Item> stream,
      List<DriftAlert> alerts) {
    DriftConfig drift = config.drift();
    List<WindowStatistics.Window> offline =
        WindowStatistics.of(stream, drift.referenceSize(), drift.windowSize());
    Map<String, List<long[]>> expected = new LinkedHashMap<>();
    Map<String, List<Double>> statistics = new LinkedHashMap<>();
    Map<String, Double> thresholds =
        Map.of(
            DriftMonitor.CONFIDENCE_PSI, drift.confidencePsi(),
            DriftMonitor.CLASS_MIX_PSI, drift.classMixPsiFor(ScoredStream.CLASSES.size()),
            DriftMonitor.CENTROID_COSINE, drift.centroidDistance());
    for (String detector : thresholds.keySet()) {
      List<long[]> ends = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (WindowStatistics.Window w : offline) {
        double value =
            switch (detector) {
              case DriftMonitor.CONFIDENCE_PSI -> w.confidencePsi();
              case DriftMonitor.CLASS_MIX_PSI -> w.classMixPsi();
              default -> w.centroid();
            };
        ends.add(new long[] {w.end()});
        values.add(value);
        if (value > thresholds.get(detector)) {
          break; // alerted: muted for the rest of this stream
        }
      }
      expected.put(detector, ends);
      statistics.put(detector, values);
    }
    int total = expected.values().stream().mapToInt(List::size).sum();
    List<DriftWindow> windows =
        it.readCommitted(
            config.driftWindowsTopic(), DriftWindow.class, job, read -> read.size() >= total);
    // nothing more arrives: every scored event has been processed and its output committed
    windows = it.readAll(config.driftWindowsTopic(), DriftWindow.class, job);
    for (DriftWindow w : windows) {
      System.out.printf(
          Locale.ROOT,
          "DRIFT window %s at %d: %.4f (threshold %.4f)%s%n",
          w.getDetector(),
          w.getAtEvent(),
          w.getStatistic(),
          w.getThreshold(),
          w.getAlerted() ? " ALERT" : "");
    }
    assertThat(windows).hasSize(total);
    for (String detector : thresholds.keySet()) {
      List<DriftWindow> mine =
          windows.stream().filter(w -> w.getDetector().equals(detector)).toList();
      assertThat(mine)
          .as(detector)
          .extracting(DriftWindow::getAtEvent)
          .containsExactlyElementsOf(expected.get(detector).stream().map(e -> e[0]).toList());
      for (int i = 0; i < mine.size(); i++) {
        DriftWindow w = mine.get(i);
        assertThat(w.getClassifier()).isEqualTo(ScoredStream.CLASSIFIER);
        assertThat(w.getStatistic())
            .as("%s window ending at %d", detector, w.getAtEvent())
            .isCloseTo(statistics.get(detector).get(i), within(1e-6));
        assertThat(w.getThreshold()).isCloseTo(thresholds.get(detector), within(1e-12));
        assertThat(w.getAlerted()).isEqualTo(w.getStatistic() > w.getThreshold());
        assertThat(w.getReferenceSize()).isEqualTo(WINDOW);
        assertThat(w.getWindowSize()).isEqualTo(WINDOW);
        assertThat(w.getModelVersion()).isEqualTo(1);
        assertThat(w.getClosedAtMs()).isPositive();
      }
    }
    assertThat(windows)
        .filteredOn(DriftWindow::getAlerted)
        .extracting(DriftWindow::getDetector, DriftWindow::getStatistic, DriftWindow::getThreshold)
        .containsExactlyInAnyOrderElementsOf(
            alerts.stream()
                .map(a -> tuple(a.getDetector(), a.getStatistic(), a.getThreshold()))
                .toList());
    return windows;
  }

  /** The job with reference and windows of {@value #WINDOW} events, thresholds scaled to them. */
  private static ActiveLearningConfig config(ItStack it) {
    return ActiveLearningJobs.config(
        it,
        "--drift-reference",
        Integer.toString(WINDOW),
        "--drift-window",
        Integer.toString(WINDOW));
  }

  /** Each window's statistics, computed offline as the job computes them, against thresholds. */
  private static void printWindows(String what, List<Item> stream, DriftConfig drift) {
    List<WindowStatistics.Window> windows =
        WindowStatistics.of(stream, drift.referenceSize(), drift.windowSize());
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "DRIFT %s; thresholds conf-psi %.3f mix-psi %.3f centroid %.4f%n",
                what,
                drift.confidencePsi(),
                drift.classMixPsiFor(ScoredStream.CLASSES.size()),
                drift.centroidDistance()));
    for (WindowStatistics.Window w : windows) {
      out.append("DRIFT   ").append(w).append('\n');
    }
    out.append("DRIFT   largest: ").append(WindowStatistics.max(windows));
    System.out.println(out);
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
}
