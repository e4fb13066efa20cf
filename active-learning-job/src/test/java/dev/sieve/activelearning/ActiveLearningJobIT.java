package dev.sieve.activelearning;

import static dev.sieve.activelearning.testing.ScoredStream.CLASSIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.testing.ActiveLearningJobs;
import dev.sieve.activelearning.testing.ScoredStream;
import dev.sieve.activelearning.testing.ScoredStream.Item;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.drift.DriftMonitor;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * active-learning-job end to end on the embedded stack — in-process Kafka broker, Apicurio
 * registry, a MiniCluster (RocksDB, 1 s checkpoints) running the job at parallelism 2, exactly-once
 * — with the demo corpus's messages, shuffled ({@value #EVENTS} plus one), scored as inference-job
 * would score them (real MiniLM-int8 embeddings, the demo's zero-shot topic head), labels answered
 * with the corpus's truth, and every kind of bad label.
 */
class ActiveLearningJobIT {

  /** The whole demo corpus (1,280 messages): one of them is the label-before-content case. */
  private static final int EVENTS = 1_279;

  private static final double BUDGET = 0.05;
  private static final double PER_MINUTE = 600;

  /** LabelSelector's burst: half a priority window's share, at least 2 (window 200). */
  private static final double BURST = Math.max(2, BUDGET * 200 / 2);

  private static final int ANSWERED = 20;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  private static List<Item> items;

  @BeforeAll
  static void scoreTexts() throws IOException {
    items = ScoredStream.shuffled(1).subList(0, EVENTS + 1);
  }

  @Test
  void asksWithinTheBudgetJoinsLabelsTracksAccuracyAndDeadLettersBadLabels() throws Exception {
    ItStack it = new ItStack("al-it", METRICS);
    ActiveLearningConfig config =
        ActiveLearningJobs.config(
            it,
            "--budget-fraction",
            Double.toString(BUDGET),
            "--requests-per-minute",
            Double.toString(PER_MINUTE),
            "--label-grace",
            "10s");
    ActiveLearningJobs.createTopics(it, config, 2);
    ConfluentAvroCodec<ScoredContent> scoredCodec = it.codec(ScoredContent.class);
    ConfluentAvroCodec<Label> labelCodec = it.codec(Label.class);
    Item early = items.get(EVENTS); // its label is sent before its content
    List<Item> stream = items.subList(0, EVENTS);

    JobClient job = ActiveLearningJobs.start(config, "active-learning-it");
    try {
      // (1) A label that overtakes its content, then the content stream.
      it.send(
          config.labelsTopic(),
          early.id(),
          labelCodec.encode(
              config.labelsTopic(), label(early.id(), CLASSIFIER, early.truth(), "ann")));
      long trafficStartMs = System.currentTimeMillis(); // no event can be processed before this
      List<Item> all = new ArrayList<>();
      all.add(early); // first, so that it follows its label within the grace even on a busy box
      all.addAll(stream);
      it.send(
          config.scoredTopic(),
          all.stream().map(Item::id).toList(),
          all.stream()
              .map(i -> scoredCodec.encode(config.scoredTopic(), ScoredStream.scored(i)))
              .toList());
      long start = System.nanoTime();
      it.awaitCounter(job, "scoredItems", EVENTS + 1);
      System.out.printf(
          "IT scored %d events in %.1f s%n", EVENTS + 1, (System.nanoTime() - start) / 1e9);
      long asked = it.counters(job.getJobID(), ".requests");
      List<LabelRequest> requests =
          it.readCommitted(config.requestsTopic(), LabelRequest.class, job, r -> r.size() >= asked);

      // Requests: within the share and the per-minute budget, each saying why.
      assertThat(requests).hasSize((int) asked);
      assertThat(requests.size())
          .isPositive()
          .isLessThanOrEqualTo((int) (BUDGET * (EVENTS + 1) + BURST));
      assertPerMinuteCap(requests, PER_MINUTE, trafficStartMs);
      Map<String, Item> byId = new HashMap<>();
      items.forEach(i -> byId.put(i.id(), i));
      assertThat(requests)
          .allSatisfy(
              r -> {
                Item item = byId.get(r.getContentId());
                assertThat(r.getClassifier()).isEqualTo(CLASSIFIER);
                assertThat(r.getText()).isEqualTo(item.text());
                assertThat(r.getGuess()).isEqualTo(item.guess());
                // The job lists a classifier's classes by name.
                assertThat(r.getLabels())
                    .containsExactlyElementsOf(ScoredStream.CLASSES.stream().sorted().toList());
                assertThat(r.getScores()).containsOnlyKeys(ScoredStream.CLASSES);
                assertThat(r.getModelVersion()).isEqualTo(1);
                assertThat(r.getStrategy()).isIn("coverage", "random", "margin", "rare-class");
                assertThat(r.getRandomShare()).isEqualTo("random".equals(r.getStrategy()));
              });
      System.out.printf(
          "IT requests=%d of %d events (budget %.0f, per-minute %.0f), by strategy %s%n",
          requests.size(),
          EVENTS + 1,
          BUDGET * (EVENTS + 1) + BURST,
          PER_MINUTE,
          requests.stream()
              .collect(Collectors.groupingBy(LabelRequest::getStrategy, Collectors.counting())));

      // (2) Answers from the dataset's truth for the first requests, and every kind of bad label.
      List<LabelRequest> answered =
          requests.stream()
              .filter(r -> !r.getContentId().equals(early.id()))
              .limit(ANSWERED)
              .toList();
      List<String> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (LabelRequest r : answered) {
        keys.add(r.getContentId());
        values.add(
            labelCodec.encode(
                config.labelsTopic(),
                label(r.getContentId(), CLASSIFIER, byId.get(r.getContentId()).truth(), "oracle")));
      }
      Item some = stream.get(0);
      String conflicting = answered.get(0).getContentId();
      String other =
          ScoredStream.CLASSES.stream()
              .filter(c -> !c.equals(byId.get(conflicting).truth()))
              .findFirst()
              .orElseThrow();
      Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
      bad.put(
          LabelRejectReason.UNKNOWN_CONTENT_ID.name(),
          labelCodec.encode(
              config.labelsTopic(), label("no-such-content", CLASSIFIER, "billing", "ann")));
      bad.put(
          LabelRejectReason.UNKNOWN_CLASSIFIER.name(),
          labelCodec.encode(config.labelsTopic(), label(some.id(), "emotion", "joy", "ann")));
      bad.put(
          LabelRejectReason.UNKNOWN_CLASS.name(),
          labelCodec.encode(config.labelsTopic(), label(some.id(), CLASSIFIER, "eggs", "ann")));
      bad.put(
          LabelRejectReason.BAD_MAGIC_BYTE.name(),
          "not avro at all".getBytes(StandardCharsets.UTF_8));
      bad.put(
          LabelRejectReason.EMPTY_LABELER.name(),
          labelCodec.encode(config.labelsTopic(), label(some.id(), CLASSIFIER, "billing", " ")));
      bad.put(
          LabelRejectReason.ALREADY_LABELLED.name(),
          labelCodec.encode(
              config.labelsTopic(), label(conflicting, CLASSIFIER, other, "second-opinion")));
      it.send(config.labelsTopic(), keys, values);
      it.send(
          config.labelsTopic(),
          List.of("x", some.id(), some.id(), "x", some.id(), conflicting),
          new ArrayList<>(bad.values()));

      // Labelled examples: joined with the text and the very embedding the content carried.
      List<LabelledExample> labelled =
          it.readCommitted(
              config.labelledTopic(),
              LabelledExample.class,
              job,
              l -> l.size() >= answered.size() + 1);
      assertThat(labelled).hasSize(answered.size() + 1);
      Map<String, LabelRequest> requestById =
          requests.stream()
              .collect(Collectors.toMap(LabelRequest::getContentId, Function.identity()));
      assertThat(labelled)
          .allSatisfy(
              e -> {
                Item item = byId.get(e.getContentId());
                assertThat(e.getClassifier()).isEqualTo(CLASSIFIER);
                assertThat(e.getText()).isEqualTo(item.text());
                assertThat(e.getLabel()).isEqualTo(item.truth());
                assertThat(toArray(e.getEmbedding())).containsExactly(item.embedding());
                LabelRequest asked1 = requestById.get(e.getContentId());
                assertThat(e.getRandomShare()).isEqualTo(asked1 != null && asked1.getRandomShare());
              });
      assertThat(labelled).extracting(LabelledExample::getContentId).contains(early.id());
      assertThat(labelled)
          .filteredOn(e -> e.getContentId().equals(early.id()))
          .singleElement()
          .satisfies(e -> assertThat(e.getLabeler()).isEqualTo("ann"));

      // Bad labels: each on the DLQ with its reason, its bytes and where it came from.
      List<DeadLetter> letters =
          it.readCommitted(
              config.labelsDlqTopic(), DeadLetter.class, job, l -> l.size() >= bad.size());
      assertThat(letters)
          .extracting(DeadLetter::getReason)
          .containsExactlyInAnyOrderElementsOf(bad.keySet());
      assertThat(letters)
          .allSatisfy(
              d -> {
                assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(bad.get(d.getReason())));
                assertThat(d.getSourceTopic()).isEqualTo(config.labelsTopic());
                assertThat(d.getJob()).isEqualTo(ActiveLearningJob.JOB);
                assertThat(d.getMessage()).isNotBlank();
              });
      assertThat(letters)
          .filteredOn(d -> d.getReason().equals("ALREADY_LABELLED"))
          .singleElement()
          .satisfies(
              d ->
                  assertThat(d.getMessage())
                      .contains("'" + byId.get(conflicting).truth() + "'", "oracle"));

      // Live accuracy of version 1: every label counted, the random-share ones apart.
      long correct =
          labelled.stream()
              .filter(e -> e.getLabel().equals(byId.get(e.getContentId()).guess()))
              .count();
      long random = labelled.stream().filter(LabelledExample::getRandomShare).count();
      List<LiveAccuracy> accuracy =
          it.readCommitted(
              config.accuracyTopic(), LiveAccuracy.class, job, a -> a.size() >= labelled.size());
      LiveAccuracy last =
          accuracy.stream().max(Comparator.comparingLong(LiveAccuracy::getLabels)).orElseThrow();
      assertThat(last.getClassifier()).isEqualTo(CLASSIFIER);
      assertThat(last.getModelVersion()).isEqualTo(1);
      assertThat(last.getLabels()).isEqualTo(labelled.size());
      assertThat(last.getCorrect()).isEqualTo(correct);
      assertThat(last.getAccuracy()).isEqualTo((double) correct / labelled.size());
      assertThat(last.getRandomLabels()).isEqualTo(random);
      System.out.printf(
          "IT labelled=%d live_accuracy=%.3f random_labels=%d dead_letters=%d%n",
          labelled.size(), last.getAccuracy(), random, letters.size());

      // A stationary stream: no drift alert, so the budget above was never boosted. (Default
      // reference and window of 500: one window. Over 200 shuffles of the corpus its statistics
      // reached at most confidence PSI 0.094, class-mix PSI 0.060 and centroid 0.019, against
      // thresholds of 0.15, 0.11 and 0.03; fewer than 30 labels cannot move the error detector.)
      assertThat(it.readAll(config.driftTopic(), DriftAlert.class, job)).isEmpty();
      // ... yet every window is published with its statistics: one per windowed detector, closed
      // at event 1,000 (reference 1-500, window 501-1,000; the remaining 280 fill no window)
      List<DriftWindow> windows = it.readAll(config.driftWindowsTopic(), DriftWindow.class, job);
      DriftConfig drift = config.drift();
      Map<String, Double> thresholds =
          Map.of(
              DriftMonitor.CONFIDENCE_PSI, drift.confidencePsi(),
              DriftMonitor.CLASS_MIX_PSI, drift.classMixPsiFor(ScoredStream.CLASSES.size()),
              DriftMonitor.CENTROID_COSINE, drift.centroidDistance());
      assertThat(windows)
          .extracting(DriftWindow::getDetector)
          .containsExactlyInAnyOrderElementsOf(thresholds.keySet());
      assertThat(windows)
          .allSatisfy(
              w -> {
                assertThat(w.getClassifier()).isEqualTo(ScoredStream.CLASSIFIER);
                assertThat(w.getAtEvent()).isEqualTo(1_000);
                assertThat(w.getReferenceSize()).isEqualTo(DriftConfig.DEFAULT_REFERENCE);
                assertThat(w.getWindowSize()).isEqualTo(DriftConfig.DEFAULT_WINDOW);
                assertThat(w.getThreshold()).isEqualTo(thresholds.get(w.getDetector()));
                assertThat(w.getStatistic()).isBetween(0.0, w.getThreshold());
                assertThat(w.getAlerted()).isFalse();
                assertThat(w.getModelVersion()).isEqualTo(1);
              });
      windows.forEach(
          w ->
              System.out.printf(
                  "IT drift window %s %.4f (threshold %.4f)%n",
                  w.getDetector(), w.getStatistic(), w.getThreshold()));
    } finally {
      job.cancel().get();
    }
  }

  /**
   * The per-minute cap, as LabelSelector's token bucket enforces it: one token at the first event,
   * refilled at {@code cap / minute} up to {@code cap}. So the k-th request can come no earlier
   * than {@code (k - 1) / cap} minutes after traffic started, and any two requests i < j are at
   * most {@code cap x (1 + (t_j - t_i) / 1 min)} apart in count.
   */
  private static void assertPerMinuteCap(
      List<LabelRequest> requests, double perMinute, long trafficStartMs) {
    List<Long> times = requests.stream().map(LabelRequest::getRequestedAtMs).sorted().toList();
    for (int k = 1; k <= times.size(); k++) {
      double allowed = 1 + perMinute * (times.get(k - 1) - trafficStartMs) / 60_000.0;
      assertThat((double) k)
          .as("requests by %d ms", times.get(k - 1) - trafficStartMs)
          .isLessThanOrEqualTo(allowed + 1e-9);
    }
    for (int i = 0; i < times.size(); i++) {
      for (int j = i; j < times.size(); j++) {
        double allowed = perMinute * (1 + (times.get(j) - times.get(i)) / 60_000.0);
        assertThat((double) (j - i + 1))
            .as("requests %d..%d", i, j)
            .isLessThanOrEqualTo(allowed + 1e-9);
      }
    }
    System.out.printf(
        "IT requests=%d over %.1f s of traffic: per-minute cap allows %.1f%n",
        times.size(),
        (times.get(times.size() - 1) - trafficStartMs) / 1e3,
        1 + perMinute * (times.get(times.size() - 1) - trafficStartMs) / 60_000.0);
  }

  private static Label label(String id, String classifier, String label, String labeler) {
    return Label.newBuilder()
        .setContentId(id)
        .setClassifier(classifier)
        .setLabel(label)
        .setLabeler(labeler)
        .setLabeledAtMs(System.currentTimeMillis())
        .build();
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
