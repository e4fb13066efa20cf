package dev.sieve.cli.report;

import dev.sieve.schemas.ClassMetrics;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelMetrics;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * A realistic two hours of a deployment, as records on Sieve's topics: two classifiers ({@code
 * spam} with two classes, {@code sentiment} with three), three model versions each with
 * cross-validated metrics, predictions whose class mix shifts halfway (the drift), label requests
 * of every strategy, live accuracy measured after labels, drift alerts of four detectors with their
 * thresholds, and dead letters on both dead-letter topics. Deterministic (a fixed seed).
 */
final class ReportFixtures {

  /** 2026-03-02 09:00:00 UTC. */
  static final long T0 = 1_772_442_000_000L;

  static final long MINUTE = 60_000L;
  static final int PREDICTIONS_PER_CLASSIFIER = 600;
  static final int RAW_EVENTS = 612;
  static final int ACCEPTED_EVENTS = 600;

  static final Map<String, List<String>> CLASSIFIERS =
      Map.of(
          "spam", List.of("spam", "ham"), "sentiment", List.of("positive", "neutral", "negative"));

  static final List<String> STRATEGIES =
      List.of("margin", "entropy", "least-confidence", "rare-class", "coverage", "random");

  static final List<String> DETECTORS =
      List.of("confidence-psi", "class-mix-psi", "centroid-cosine", "error-page-hinkley");

  /** One record for one topic. */
  record Rec(Topic<String, ?> topic, String key, SpecificRecord value) {}

  private ReportFixtures() {}

  /** The realistic set, topic by topic. */
  static List<Rec> realistic() {
    Random random = new Random(42);
    List<Rec> out = new ArrayList<>();
    for (String classifier : List.of("spam", "sentiment")) {
      List<String> labels = CLASSIFIERS.get(classifier);
      for (int v = 0; v <= 2; v++) {
        out.add(new Rec(Topics.MODELS, classifier, version(classifier, labels, v)));
      }
      for (int i = 0; i < PREDICTIONS_PER_CLASSIFIER; i++) {
        long at = T0 + i * 120 * MINUTE / PREDICTIONS_PER_CLASSIFIER;
        int version = at < T0 + 40 * MINUTE ? 0 : at < T0 + 80 * MINUTE ? 1 : 2;
        boolean shifted = at >= T0 + 60 * MINUTE;
        String label = pick(labels, shifted, random);
        double confidence = confidence(labels.size(), version, random);
        out.add(
            new Rec(
                Topics.PREDICTIONS,
                classifier + "-" + i,
                Prediction.newBuilder()
                    .setContentId("c-" + i)
                    .setClassifier(classifier)
                    .setLabel(label)
                    .setConfidence(confidence)
                    .setScores(scores(labels, label, confidence))
                    .setModelVersion(version)
                    .setLatencyMs(3 + random.nextInt(20))
                    .setPredictedAtMs(at)
                    .build()));
      }
      for (int i = 0; i < 90; i++) {
        String strategy = STRATEGIES.get(strategyIndex(i));
        long at = T0 + i * 120 * MINUTE / 90;
        out.add(
            new Rec(
                Topics.LABELING_REQUESTS,
                "c-" + i,
                LabelRequest.newBuilder()
                    .setContentId("c-" + i)
                    .setClassifier(classifier)
                    .setText("message " + i)
                    .setGuess(labels.get(0))
                    .setConfidence(0.55)
                    .setScores(scores(labels, labels.get(0), 0.55))
                    .setLabels(labels)
                    .setModelVersion(at < T0 + 40 * MINUTE ? 0 : at < T0 + 80 * MINUTE ? 1 : 2)
                    .setStrategy(strategy)
                    .setSelectionScore(random.nextDouble())
                    .setRandomShare(strategy.equals("random"))
                    .setRequestedAtMs(at)
                    .build()));
        if (i < 80) {
          out.add(
              new Rec(
                  Topics.LABELS,
                  "c-" + i,
                  new Label(
                      "c-" + i, classifier, labels.get(i % labels.size()), "oracle", at + 5_000)));
        }
        if (i < 76) {
          out.add(
              new Rec(
                  Topics.LABELLED,
                  "c-" + i,
                  LabelledExample.newBuilder()
                      .setContentId("c-" + i)
                      .setClassifier(classifier)
                      .setText("message " + i)
                      .setEmbeddingModel("all-minilm-l6-v2-q")
                      .setEmbedding(List.of(0.1f, 0.2f, 0.3f))
                      .setLabel(labels.get(i % labels.size()))
                      .setLabeler("oracle")
                      .setLabeledAtMs(at + 5_000)
                      .setRandomShare(strategy.equals("random"))
                      .build()));
        }
      }
      double[] live =
          classifier.equals("spam")
              ? new double[] {0.62, 0.81, 0.90}
              : new double[] {0.48, 0.66, 0.74};
      for (int v = 0; v <= 2; v++) {
        // running totals after each batch of labels: the report keeps the latest
        for (int step = 1; step <= 3; step++) {
          long labelsSoFar = 10L * step;
          long randomSoFar = 2L * step;
          out.add(
              new Rec(
                  Topics.ACCURACY,
                  classifier,
                  new LiveAccuracy(
                      classifier,
                      v,
                      labelsSoFar,
                      Math.round(labelsSoFar * (live[v] - 0.05)),
                      (double) Math.round(labelsSoFar * (live[v] - 0.05)) / labelsSoFar,
                      randomSoFar,
                      Math.round(randomSoFar * live[v]),
                      (double) Math.round(randomSoFar * live[v]) / randomSoFar,
                      T0 + (40L * v + 10 * step) * MINUTE)));
        }
      }
    }
    out.add(drift("spam", "confidence-psi", 0.31, 0.25, 1, 62));
    out.add(drift("spam", "confidence-psi", 0.44, 0.25, 1, 75));
    out.add(drift("spam", "class-mix-psi", 0.38, 0.2, 1, 66));
    out.add(drift("sentiment", "class-mix-psi", 0.27, 0.2, 1, 70));
    out.add(drift("sentiment", "centroid-cosine", 0.19, 0.15, 1, 68));
    out.add(drift("sentiment", "error-page-hinkley", 23.5, 20, 1, 78));
    out.add(drift("spam", "error-page-hinkley", 21.2, 20, 2, 101));
    out.addAll(windows());
    for (int i = 0; i < RAW_EVENTS - ACCEPTED_EVENTS; i++) {
      String reason = i < 6 ? "EMPTY_TEXT" : i < 10 ? "NOT_AVRO_OR_JSON" : "TEXT_TOO_LONG";
      out.add(
          new Rec(
              Topics.CONTENT_DLQ, "raw-" + i, deadLetter("ingest-job", reason, "content.raw", i)));
    }
    out.add(
        new Rec(
            Topics.LABELS_DLQ,
            "c-x1",
            deadLetter("active-learning-job", "UNKNOWN_CONTENT", "labels", 0)));
    out.add(
        new Rec(
            Topics.LABELS_DLQ,
            "c-x2",
            deadLetter("active-learning-job", "UNKNOWN_CONTENT", "labels", 1)));
    out.add(
        new Rec(
            Topics.LABELS_DLQ,
            "c-x3",
            deadLetter("active-learning-job", "UNKNOWN_CLASS", "labels", 2)));
    return out;
  }

  /** Feeds records to a {@link ReportData} the way {@link ReportReader} does after decoding. */
  static ReportData feed(String prefix, List<Rec> records) {
    ReportData data = new ReportData(prefix);
    feed(data, records);
    return data;
  }

  private static void feed(ReportData data, List<Rec> records) {
    for (Rec r : records) {
      data.source(r.topic()).record();
      SpecificRecord v = r.value();
      if (v instanceof Prediction p) {
        data.add(p);
      } else if (v instanceof LabelRequest q) {
        data.add(q);
      } else if (v instanceof Label l) {
        data.add(l);
      } else if (v instanceof LabelledExample e) {
        data.add(e);
      } else if (v instanceof LiveAccuracy a) {
        data.add(a);
      } else if (v instanceof ModelVersion m) {
        data.add(m);
      } else if (v instanceof DriftAlert d) {
        data.add(d);
      } else if (v instanceof DriftWindow w) {
        data.add(w);
      } else if (v instanceof DeadLetter d) {
        @SuppressWarnings("unchecked")
        Topic<String, DeadLetter> topic = (Topic<String, DeadLetter>) r.topic();
        data.addDeadLetter(topic, d);
      }
    }
  }

  /**
   * The realistic set as {@code sieve report} would aggregate it from Kafka, content counts
   * included: the data behind the screenshot in {@code cli/docs/report.png}.
   */
  static ReportData deployment(String prefix) {
    List<Rec> records = realistic();
    ReportData data = new ReportData(prefix);
    for (int i = 0; i < RAW_EVENTS; i++) {
      data.source(Topics.CONTENT_RAW).record();
    }
    for (int i = 0; i < ACCEPTED_EVENTS; i++) {
      data.source(Topics.CONTENT).record();
    }
    feed(data, records);
    return data;
  }

  static ModelVersion version(String classifier, List<String> labels, int v) {
    double accuracy = classifier.equals("spam") ? 0.80 + 0.05 * v : 0.58 + 0.07 * v;
    ModelMetrics metrics =
        v == 0
            ? null
            : ModelMetrics.newBuilder()
                .setAccuracy(accuracy)
                .setMacroF1(accuracy - 0.04)
                .setPerClass(
                    labels.stream()
                        .map(l -> new ClassMetrics(l, accuracy, accuracy, accuracy, 20))
                        .toList())
                .setConfusion(
                    labels.stream()
                        .map(l -> labels.stream().map(x -> x.equals(l) ? 16 : 2).toList())
                        .toList())
                .setTrainingSize(40 * v + 20)
                .setFolds(5)
                .build();
    return ModelVersion.newBuilder()
        .setClassifier(classifier)
        .setVersion(v)
        .setParentVersion(v == 0 ? null : v - 1)
        .setLabels(labels)
        .setHead(ByteBuffer.wrap(("head-" + v).getBytes(StandardCharsets.UTF_8)))
        .setEmbeddingModelId("all-minilm-l6-v2-q")
        .setEmbeddingModelDigest("afdb6f1a0e45")
        .setMetrics(metrics)
        .setReason(v == 0 ? "zero-shot" : v == 1 ? "new-labels" : "drift")
        .setCreatedAtMs(T0 + 40L * v * MINUTE - MINUTE)
        .setDigest("digest-" + v)
        .build();
  }

  static Rec drift(
      String classifier,
      String detector,
      double statistic,
      double threshold,
      int version,
      long minute) {
    return new Rec(
        Topics.DRIFT,
        classifier,
        DriftAlert.newBuilder()
            .setClassifier(classifier)
            .setDetector(detector)
            .setStatistic(statistic)
            .setThreshold(threshold)
            .setReferenceSize(500)
            .setWindowSize(200)
            .setModelVersion(version)
            .setDetectedAtMs(T0 + minute * MINUTE)
            .build());
  }

  /**
   * The windows behind the alerts above: every 10 minutes (none at an alert's minute), for each
   * classifier, the three windowed detectors at a fraction of their threshold (at most a half), and
   * at each alert's minute the alerted window with the alert's statistic. The error-rate test has
   * no windows (it is drawn from its alerts).
   */
  static List<Rec> windows() {
    List<Rec> out = new ArrayList<>();
    Map<String, Double> thresholds =
        Map.of("confidence-psi", 0.25, "class-mix-psi", 0.2, "centroid-cosine", 0.15);
    List<Rec> alerts = new ArrayList<>();
    alerts.add(drift("spam", "confidence-psi", 0.31, 0.25, 1, 62));
    alerts.add(drift("spam", "confidence-psi", 0.44, 0.25, 1, 75));
    alerts.add(drift("spam", "class-mix-psi", 0.38, 0.2, 1, 66));
    alerts.add(drift("sentiment", "class-mix-psi", 0.27, 0.2, 1, 70));
    alerts.add(drift("sentiment", "centroid-cosine", 0.19, 0.15, 1, 68));
    for (String classifier : List.of("sentiment", "spam")) {
      for (Map.Entry<String, Double> d : new java.util.TreeMap<>(thresholds).entrySet()) {
        for (int minute = 4; minute <= 104; minute += 10) {
          double base = classifier.equals("spam") ? 0.3 : 0.15;
          double statistic = d.getValue() * (base + 0.05 * ((minute / 10) % 5));
          out.add(window(classifier, d.getKey(), statistic, d.getValue(), minute));
        }
      }
    }
    for (Rec r : alerts) {
      DriftAlert a = (DriftAlert) r.value();
      out.add(
          window(
              a.getClassifier(),
              a.getDetector(),
              a.getStatistic(),
              a.getThreshold(),
              (a.getDetectedAtMs() - T0) / MINUTE));
    }
    return out;
  }

  static Rec window(
      String classifier, String detector, double statistic, double threshold, long minute) {
    return new Rec(
        Topics.DRIFT_WINDOWS,
        classifier,
        DriftWindow.newBuilder()
            .setClassifier(classifier)
            .setDetector(detector)
            .setStatistic(statistic)
            .setThreshold(threshold)
            .setAlerted(statistic > threshold)
            .setReferenceSize(500)
            .setWindowSize(200)
            .setModelVersion(1)
            .setAtEvent(500 + 20L * minute)
            .setClosedAtMs(T0 + minute * MINUTE)
            .build());
  }

  static DeadLetter deadLetter(String job, String reason, String source, int i) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setMessage(
            reason.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " (record " + i + ")")
        .setJob(job)
        .setSourceTopic("sieve." + source)
        .setSourcePartition(0)
        .setSourceOffset(i)
        .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setRejectedAtMs(T0 + i * MINUTE)
        .build();
  }

  /** margin, entropy and least-confidence most, then the others; random every 7th. */
  private static int strategyIndex(int i) {
    if (i % 7 == 0) {
      return 5;
    }
    int[] weights = {0, 0, 0, 1, 1, 2, 2, 3, 4};
    return weights[i % weights.length];
  }

  private static String pick(List<String> labels, boolean shifted, Random random) {
    double u = random.nextDouble();
    if (labels.size() == 2) {
      return u < (shifted ? 0.45 : 0.15) ? labels.get(0) : labels.get(1);
    }
    double first = shifted ? 0.2 : 0.45;
    double second = shifted ? 0.3 : 0.35;
    return u < first ? labels.get(0) : u < first + second ? labels.get(1) : labels.get(2);
  }

  private static double confidence(int classes, int version, Random random) {
    double floor = 1.0 / classes;
    double sharpness = 0.35 + 0.25 * version;
    double x = Math.pow(random.nextDouble(), 1 - Math.min(0.9, sharpness));
    return floor + (1 - floor) * Math.min(0.999, x);
  }

  private static Map<String, Double> scores(List<String> labels, String label, double confidence) {
    Map<String, Double> scores = new LinkedHashMap<>();
    double rest = (1 - confidence) / (labels.size() - 1);
    labels.forEach(l -> scores.put(l, l.equals(label) ? confidence : rest));
    return scores;
  }
}
