package dev.sieve.activelearning.functions;

import dev.sieve.learning.drift.DriftFinding;
import dev.sieve.learning.selection.Decision;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.RetrainRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds the Avro records the {@link Curator} writes. */
final class CuratorRecords {

  /** {@code RetrainRequest.reason} of a drift finding. */
  static final String DRIFT = "drift";

  private CuratorRecords() {}

  static LabelRequest request(ScoredItem item, Decision decision, long nowMs) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int i = 0; i < item.classes.length; i++) {
      scores.put(item.classes[i], item.scores[i]);
    }
    return LabelRequest.newBuilder()
        .setContentId(item.contentId)
        .setClassifier(item.classifier)
        .setText(item.text)
        .setGuess(item.guess)
        .setConfidence(item.confidence)
        .setScores(scores)
        .setLabels(Arrays.asList(item.classes))
        .setModelVersion(item.modelVersion)
        .setStrategy(decision.strategy())
        .setSelectionScore(decision.score())
        .setRandomShare(decision.randomShare())
        .setRequestedAtMs(nowMs)
        .build();
  }

  static LabelledExample labelled(JoinedLabel label, boolean randomShare) {
    List<Float> embedding = new ArrayList<>(label.embedding.length);
    for (float v : label.embedding) {
      embedding.add(v);
    }
    return LabelledExample.newBuilder()
        .setContentId(label.contentId)
        .setClassifier(label.classifier)
        .setText(label.text)
        .setEmbeddingModel(label.embeddingModel)
        .setEmbedding(embedding)
        .setLabel(label.label)
        .setLabeler(label.labeler)
        .setLabeledAtMs(label.labeledAtMs)
        .setRandomShare(randomShare)
        .build();
  }

  static LiveAccuracy accuracy(String classifier, int version, AccuracyCounts counts, long nowMs) {
    return LiveAccuracy.newBuilder()
        .setClassifier(classifier)
        .setModelVersion(version)
        .setLabels(counts.labels)
        .setCorrect(counts.correct)
        .setAccuracy(counts.accuracy())
        .setRandomLabels(counts.randomLabels)
        .setRandomCorrect(counts.randomCorrect)
        .setUnbiasedAccuracy(counts.unbiasedAccuracy())
        .setMeasuredAtMs(nowMs)
        .build();
  }

  static DriftAlert alert(String classifier, DriftFinding finding, long nowMs) {
    return DriftAlert.newBuilder()
        .setClassifier(classifier)
        .setDetector(finding.detector())
        .setStatistic(finding.statistic())
        .setThreshold(finding.threshold())
        .setReferenceSize(finding.referenceSize())
        .setWindowSize(finding.windowSize())
        .setModelVersion(finding.modelVersion())
        .setDetectedAtMs(nowMs)
        .build();
  }

  static DriftWindow window(
      String classifier, dev.sieve.learning.drift.DriftWindow window, long nowMs) {
    return DriftWindow.newBuilder()
        .setClassifier(classifier)
        .setDetector(window.detector())
        .setStatistic(window.statistic())
        .setThreshold(window.threshold())
        .setAlerted(window.alerted())
        .setReferenceSize(window.referenceSize())
        .setWindowSize(window.windowSize())
        .setModelVersion(window.modelVersion())
        .setAtEvent(window.atEvent())
        .setClosedAtMs(nowMs)
        .build();
  }

  /** One request for the findings of one event: they describe the same shift. */
  static RetrainRequest retrain(String classifier, List<DriftFinding> findings, long nowMs) {
    return RetrainRequest.newBuilder()
        .setClassifier(classifier)
        .setReason(DRIFT)
        .setDetail(findings.stream().map(DriftFinding::describe).collect(Collectors.joining("; ")))
        .setRequestedAtMs(nowMs)
        .build();
  }
}
