package dev.sieve.local;

import dev.sieve.cli.SieveClients;
import dev.sieve.cli.client.TopicScan;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What a read_committed consumer sees on Sieve's output topics after a chaos run, against what was
 * sent: every event predicted exactly once per classifier, every labelled example and every model
 * version number written once, every poison record dead-lettered.
 *
 * @param lost events sent that have no prediction
 * @param duplicated predictions, labelled examples and model versions written more than once (each
 *     extra copy counts one)
 * @param poisonDeadLettered distinct poison keys found on the dead-letter topics
 * @param predictions predictions read
 * @param labelled labelled examples read
 * @param versions model versions read
 */
record ChaosAudit(
    int lost, int duplicated, int poisonDeadLettered, int predictions, int labelled, int versions) {

  /** Reads the topics from their beginning to their last stable offsets. */
  static ChaosAudit read(SieveClients clients, Collection<String> sentIds) {
    ConfluentAvroCodec<Prediction> predictionCodec = clients.codec(Prediction.class);
    Map<String, Integer> predicted = new HashMap<>();
    int[] predictions = {0};
    scan(
        clients,
        Topics.PREDICTIONS,
        r -> {
          Prediction p = predictionCodec.decode(r.value());
          predicted.merge(p.getContentId() + "/" + p.getClassifier(), 1, Integer::sum);
          predictions[0]++;
        });
    Set<String> classifiers = new HashSet<>();
    predicted.keySet().forEach(k -> classifiers.add(k.substring(k.lastIndexOf('/') + 1)));
    int lost = 0;
    for (String id : sentIds) {
      for (String classifier : classifiers) {
        lost += predicted.containsKey(id + "/" + classifier) ? 0 : 1;
      }
    }
    if (classifiers.isEmpty()) {
      lost = sentIds.size();
    }
    int duplicated = extraCopies(predicted);

    ConfluentAvroCodec<LabelledExample> labelledCodec = clients.codec(LabelledExample.class);
    Map<String, Integer> labelled = new HashMap<>();
    scan(
        clients,
        Topics.LABELLED,
        r -> {
          LabelledExample e = labelledCodec.decode(r.value());
          labelled.merge(e.getContentId() + "/" + e.getClassifier(), 1, Integer::sum);
        });
    duplicated += extraCopies(labelled);

    ConfluentAvroCodec<ModelVersion> versionCodec = clients.codec(ModelVersion.class);
    Map<String, Integer> versions = new HashMap<>();
    scan(
        clients,
        Topics.MODELS,
        r -> {
          ModelVersion v = versionCodec.decode(r.value());
          versions.merge(v.getClassifier() + "/" + v.getVersion(), 1, Integer::sum);
        });
    duplicated += extraCopies(versions);

    Set<String> poison = new HashSet<>();
    Consumer<ConsumerRecord<byte[], byte[]>> dlq =
        r -> {
          if (PoisonRecords.isPoison(r.key())) {
            poison.add(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
          }
        };
    scan(clients, Topics.CONTENT_DLQ, dlq);
    scan(clients, Topics.LABELS_DLQ, dlq);

    return new ChaosAudit(
        lost,
        duplicated,
        poison.size(),
        predictions[0],
        labelled.values().stream().mapToInt(Integer::intValue).sum(),
        versions.size());
  }

  private static int extraCopies(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(c -> c - 1).sum();
  }

  private static void scan(
      SieveClients clients, Topic<?, ?> topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    try (KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
      List<TopicPartition> partitions = clients.partitions(consumer, clients.topic(topic));
      Map<TopicPartition, Long> start = new HashMap<>();
      partitions.forEach(p -> start.put(p, 0L));
      TopicScan.read(consumer, partitions, start, Duration.ofSeconds(60), sink);
    }
  }
}
