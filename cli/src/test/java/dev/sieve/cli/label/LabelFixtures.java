package dev.sieve.cli.label;

import dev.sieve.schemas.LabelRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Label requests with named values, for unit tests. */
final class LabelFixtures {

  private LabelFixtures() {}

  static LabelRequest.Builder request(String id, String text, List<String> classes) {
    Map<String, Double> scores = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      scores.put(classes.get(i), i == 0 ? 0.6 : 0.4 / (classes.size() - 1));
    }
    return LabelRequest.newBuilder()
        .setContentId(id)
        .setClassifier("spam-filter")
        .setText(text)
        .setGuess(classes.get(0))
        .setConfidence(0.6)
        .setScores(scores)
        .setLabels(classes)
        .setModelVersion(2)
        .setStrategy("margin")
        .setSelectionScore(0.2)
        .setRandomShare(false)
        .setRequestedAtMs(0L);
  }

  static QueuedRequest queued(LabelRequest request) {
    return QueuedRequest.of(
        new ConsumerRecord<>("sieve.labeling.requests", 0, 7L, new byte[0], new byte[0]), request);
  }
}
