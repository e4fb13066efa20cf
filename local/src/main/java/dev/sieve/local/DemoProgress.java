package dev.sieve.local;

import dev.sieve.core.registry.SchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches what the four jobs write, as a user's consumer would ({@code read_committed}): events
 * accepted and dead-lettered, predictions (with their accuracy against the demo corpus's own
 * labels, per model version), label requests by strategy, labels, labelled examples, model versions
 * with their cross-validated accuracy, drift alerts and live accuracy. One consumer, assigned (no
 * group), reads them all.
 */
public final class DemoProgress implements AutoCloseable {

  /** What the demo knows about one model version. */
  /**
   * One published version; {@code chosen} names the winning candidate ("" when none was chosen).
   */
  public record Version(
      int version, String reason, double cvAccuracy, int trainingSize, String chosen) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, String> truth;
  private final String prefix;
  private final ConfluentAvroCodec<DeadLetter> deadLetters;
  private final ConfluentAvroCodec<Prediction> predictionCodec;
  private final ConfluentAvroCodec<LabelRequest> requestCodec;
  private final ConfluentAvroCodec<ModelVersion> modelCodec;
  private final ConfluentAvroCodec<DriftAlert> driftCodec;
  private final ConfluentAvroCodec<LiveAccuracy> accuracyCodec;

  private int accepted;
  private final Set<String> acceptedIds = new HashSet<>();
  private int rejected;
  private final Map<String, Integer> reasons = new TreeMap<>();
  private int predictions;
  private final Map<String, Prediction> latestPrediction = new HashMap<>();
  private final Map<Integer, int[]> rightAndTotalByVersion = new TreeMap<>();
  private int servingVersion = -1;
  private final Set<Integer> servedVersions = new HashSet<>();
  private int requests;
  private final Map<String, Integer> requestsByStrategy = new TreeMap<>();
  private int labels;
  private int labelled;
  private int labelDeadLetters;
  private final Map<Integer, Version> versions = new TreeMap<>();
  private final Map<String, Integer> driftByDetector = new TreeMap<>();
  private int driftAlerts;
  private LiveAccuracy latestAccuracy;

  public DemoProgress(
      String bootstrapServers,
      SchemaRegistryClient registry,
      Map<String, String> truth,
      String prefix) {
    this(bootstrapServers, Map.of(), registry, truth, prefix);
  }

  /** As the other constructor, reading with {@code security} client properties (TLS, SASL). */
  public DemoProgress(
      String bootstrapServers,
      Map<String, String> security,
      SchemaRegistryClient registry,
      Map<String, String> truth,
      String prefix) {
    Properties props = new Properties();
    props.putAll(security);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.truth = truth;
    this.prefix = prefix;
    this.deadLetters = new ConfluentAvroCodec<>(registry, DeadLetter.class, false);
    this.predictionCodec = new ConfluentAvroCodec<>(registry, Prediction.class, false);
    this.requestCodec = new ConfluentAvroCodec<>(registry, LabelRequest.class, false);
    this.modelCodec = new ConfluentAvroCodec<>(registry, ModelVersion.class, false);
    this.driftCodec = new ConfluentAvroCodec<>(registry, DriftAlert.class, false);
    this.accuracyCodec = new ConfluentAvroCodec<>(registry, LiveAccuracy.class, false);
    List<String> topics =
        Stream.of(
                Topics.CONTENT,
                Topics.CONTENT_DLQ,
                Topics.PREDICTIONS,
                Topics.LABELING_REQUESTS,
                Topics.LABELS,
                Topics.LABELS_DLQ,
                Topics.LABELLED,
                Topics.MODELS,
                Topics.DRIFT,
                Topics.ACCURACY)
            .map(t -> t.name(prefix))
            .toList();
    // assign, not subscribe: a watcher needs no consumer group
    consumer.assign(
        topics.stream()
            .flatMap(t -> consumer.partitionsFor(t).stream())
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList());
  }

  /** Reads what arrived within {@code wait}. */
  public void poll(Duration wait) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
      String topic = record.topic().substring(prefix.length());
      switch (topic) {
        case "content" -> {
          accepted++;
          acceptedIds.add(new String(record.key(), StandardCharsets.UTF_8));
        }
        case "content.dlq" -> {
          rejected++;
          reasons.merge(deadLetters.decode(record.value()).getReason(), 1, Integer::sum);
        }
        case "predictions" -> onPrediction(predictionCodec.decode(record.value()));
        case "labeling.requests" -> {
          requests++;
          requestsByStrategy.merge(
              requestCodec.decode(record.value()).getStrategy(), 1, Integer::sum);
        }
        case "labels" -> labels++;
        case "labels.dlq" -> labelDeadLetters++;
        case "labelled" -> labelled++;
        case "models" -> {
          ModelVersion v = modelCodec.decode(record.value());
          versions.put(
              v.getVersion(),
              new Version(
                  v.getVersion(),
                  v.getReason(),
                  v.getMetrics() == null ? Double.NaN : v.getMetrics().getAccuracy(),
                  v.getMetrics() == null ? 0 : v.getMetrics().getTrainingSize(),
                  v.getCandidates().stream()
                      .filter(c -> c.getChosen())
                      .map(c -> c.getName().toString())
                      .findFirst()
                      .orElse("")));
        }
        case "drift" -> {
          driftAlerts++;
          driftByDetector.merge(driftCodec.decode(record.value()).getDetector(), 1, Integer::sum);
        }
        case "accuracy" -> latestAccuracy = accuracyCodec.decode(record.value());
        default -> {}
      }
    }
  }

  private void onPrediction(Prediction p) {
    predictions++;
    latestPrediction.put(p.getContentId(), p);
    servedVersions.add(p.getModelVersion());
    servingVersion = Math.max(servingVersion, p.getModelVersion());
    String expected = truth.get(p.getContentId());
    if (expected != null) {
      int[] counts = rightAndTotalByVersion.computeIfAbsent(p.getModelVersion(), v -> new int[2]);
      counts[0] += expected.equals(p.getLabel()) ? 1 : 0;
      counts[1]++;
    }
  }

  public int accepted() {
    return accepted;
  }

  /**
   * Distinct content ids among the accepted events: equal to {@link #accepted()} unless ids repeat.
   */
  public int distinctAccepted() {
    return acceptedIds.size();
  }

  public int rejected() {
    return rejected;
  }

  /** Dead letters by reason code, e.g. {@code {EMPTY_TEXT=1, NOT_AVRO_OR_JSON=1}}. */
  public Map<String, Integer> reasons() {
    return Collections.unmodifiableMap(reasons);
  }

  public int predictions() {
    return predictions;
  }

  /** True once every one of {@code ids} has a prediction. */
  public boolean predicted(List<String> ids) {
    return ids.stream().allMatch(latestPrediction::containsKey);
  }

  /** Share of {@code ids} whose latest prediction matches the corpus label (NaN before any). */
  public double accuracyOf(List<String> ids) {
    int right = 0;
    int total = 0;
    for (String id : ids) {
      Prediction p = latestPrediction.get(id);
      if (p != null) {
        total++;
        right += p.getLabel().equals(truth.get(id)) ? 1 : 0;
      }
    }
    return total == 0 ? Double.NaN : (double) right / total;
  }

  /** The model version that scored most of {@code ids} (the one serving when they arrived). */
  public int versionOf(List<String> ids) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (String id : ids) {
      Prediction p = latestPrediction.get(id);
      if (p != null) {
        counts.merge(p.getModelVersion(), 1, Integer::sum);
      }
    }
    return counts.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(-1);
  }

  /** Accuracy against the corpus labels of the predictions each version made. */
  public Map<Integer, Double> accuracyByVersion() {
    Map<Integer, Double> out = new TreeMap<>();
    rightAndTotalByVersion.forEach((v, c) -> out.put(v, (double) c[0] / c[1]));
    return out;
  }

  public int servingVersion() {
    return servingVersion;
  }

  /** Swaps the inference job made while serving: versions that scored events, after the first. */
  public int swaps() {
    return Math.max(0, servedVersions.size() - 1);
  }

  public int requests() {
    return requests;
  }

  public Map<String, Integer> requestsByStrategy() {
    return Collections.unmodifiableMap(requestsByStrategy);
  }

  public int labels() {
    return labels;
  }

  public int labelled() {
    return labelled;
  }

  public int labelDeadLetters() {
    return labelDeadLetters;
  }

  public Map<Integer, Version> versions() {
    return Collections.unmodifiableMap(versions);
  }

  public int driftAlerts() {
    return driftAlerts;
  }

  public Map<String, Integer> driftByDetector() {
    return Collections.unmodifiableMap(driftByDetector);
  }

  /** The latest live-accuracy record (from human labels), or null before the first. */
  public LiveAccuracy latestAccuracy() {
    return latestAccuracy;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
