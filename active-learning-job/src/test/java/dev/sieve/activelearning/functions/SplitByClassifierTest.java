package dev.sieve.activelearning.functions;

import static dev.sieve.activelearning.functions.Samples.scored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.schemas.ScoredContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class SplitByClassifierTest {

  private final SplitByClassifier split = new SplitByClassifier();

  @Test
  void oneItemPerClassifierWithTheClassesSorted() {
    List<ScoredItem> items = run(scored("c1", "hello", 0.6f, 0.8f));

    assertThat(items).extracting(i -> i.classifier).containsExactly("sms", "topic");
    ScoredItem topic = items.get(1);
    assertThat(topic.classes).containsExactly("news", "sport", "tech");
    assertThat(topic.scores).containsExactly(0.3, 0.5, 0.2);
    assertThat(topic.guess).isEqualTo("sport");
    assertThat(topic.modelVersion).isEqualTo(4);
    assertThat(topic.embedding).containsExactly(0.6f, 0.8f);
    assertThat(topic.text).isEqualTo("hello");
  }

  @Test
  void scoresThatAreNotProbabilitiesAreSkipped() {
    ScoredContent bad = scored("c1", "hello", 1f);
    bad.getClassifiers().put("sms", Samples.scores(1, "ham", Map.of("ham", 0.9, "spam", 0.9)));
    bad.getClassifiers().put("topic", Samples.scores(1, "x", Map.of("a", 1.0)));

    assertThat(run(bad)).isEmpty();
    assertThat(
            SplitByClassifier.problem(
                new String[] {"a"}, new double[] {Double.NaN}, "a", new float[] {1}))
        .contains("not a probability");
    assertThat(
            SplitByClassifier.problem(
                new String[] {"a"}, new double[] {1}, "a", new float[] {Float.NaN}))
        .contains("non-finite");
  }

  private List<ScoredItem> run(ScoredContent scored) {
    List<ScoredItem> out = new ArrayList<>();
    split.flatMap(
        scored,
        new Collector<>() {
          @Override
          public void collect(ScoredItem record) {
            out.add(record);
          }

          @Override
          public void close() {}
        });
    return out;
  }
}
