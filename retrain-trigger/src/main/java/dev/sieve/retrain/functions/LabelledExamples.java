package dev.sieve.retrain.functions;

import dev.sieve.learning.training.LabelledSet;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;

/**
 * The labelled examples of the current key (classifier) in keyed state, owned by {@link
 * RetrainTrigger}: one per content id, the latest {@code labeledAtMs} winning; at most {@code
 * maxExamples}, the oldest labels evicted first, a tenth of the cap at a time, so the whole map is
 * scanned once per {@code maxExamples / 10} new examples rather than per example. Each example's
 * receipt time (processing time) is kept beside it: a champion created before it cannot have
 * trained on it, which is what the publish decision compares on.
 */
final class LabelledExamples {

  // State names are part of savepoints: never rename.
  static final MapStateDescriptor<String, LabelledExample> EXAMPLES =
      new MapStateDescriptor<>(
          "labelled-examples", Types.STRING, new AvroTypeInfo<>(LabelledExample.class));
  static final ValueStateDescriptor<Integer> EXAMPLE_COUNT =
      new ValueStateDescriptor<>("example-count", Types.INT);
  // Added after the first release: an example kept before it has no entry and counts as received
  // at 0, before every champion.
  static final MapStateDescriptor<String, Long> RECEIVED =
      new MapStateDescriptor<>("example-received-ms", Types.STRING, Types.LONG);

  private static final Comparator<Map.Entry<String, LabelledExample>> OLDEST_FIRST =
      Comparator.comparingLong(
              (Map.Entry<String, LabelledExample> e) -> e.getValue().getLabeledAtMs())
          .thenComparing(Map.Entry::getKey);

  private final MapState<String, LabelledExample> examples;
  private final MapState<String, Long> received;
  private final ValueState<Integer> count;
  private final int maxExamples;
  private final Counter evicted;

  LabelledExamples(RuntimeContext context, int maxExamples, Counter evicted) {
    this.examples = context.getMapState(EXAMPLES);
    this.received = context.getMapState(RECEIVED);
    this.count = context.getState(EXAMPLE_COUNT);
    this.maxExamples = maxExamples;
    this.evicted = evicted;
  }

  /**
   * Upserts {@code example}, received at {@code nowMs}; false (and nothing changes) when the
   * example kept for its content id was labelled later.
   */
  boolean keep(LabelledExample example, long nowMs) throws Exception {
    LabelledExample old = examples.get(example.getContentId());
    if (old != null && old.getLabeledAtMs() > example.getLabeledAtMs()) {
      return false;
    }
    examples.put(example.getContentId(), example);
    received.put(example.getContentId(), nowMs);
    if (old == null) {
      Integer n = count.value();
      int size = (n == null ? 0 : n) + 1;
      int over = size - maxExamples;
      count.update(over > 0 ? size - evictOldest(over + maxExamples / 10) : size);
    }
    return true;
  }

  private int evictOldest(int remove) throws Exception {
    List<Map.Entry<String, LabelledExample>> all = new ArrayList<>();
    for (Map.Entry<String, LabelledExample> e : examples.entries()) {
      all.add(Map.entry(e.getKey(), e.getValue()));
    }
    all.sort(OLDEST_FIRST);
    for (int i = 0; i < remove; i++) {
      examples.remove(all.get(i).getKey());
      received.remove(all.get(i).getKey());
    }
    evicted.inc(remove);
    return remove;
  }

  /**
   * The training set against {@code champion}: its labels first (new classes appended), with each
   * example's text (what the candidates embed and featurise) and receipt time. Labels normally all
   * arrive embedded by one network (the active-learning job's); should they not, only the examples
   * of the most common network are kept, so the stored embeddings have one dimension.
   */
  LabelledSet trainingSet(ModelVersion champion) throws Exception {
    Map<String, Integer> perNetwork = new TreeMap<>();
    for (LabelledExample e : examples.values()) {
      perNetwork.merge(e.getEmbeddingModel(), 1, Integer::sum);
    }
    String network =
        perNetwork.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse(champion.getEmbeddingModelId());
    LabelledSet.Builder builder = LabelledSet.builder().labelOrder(champion.getLabels());
    for (LabelledExample e : examples.values()) {
      if (e.getEmbeddingModel().equals(network)) {
        Long at = received.get(e.getContentId());
        builder.add(e, at == null ? 0 : at);
      }
    }
    return builder.build();
  }
}
