package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.testing.ActiveLearningJobs;
import dev.sieve.activelearning.testing.LabelFuzzer;
import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ScoredContent;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.Fuzz;
import dev.sieve.testkit.ItStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * active-learning-job against {@value #DEFAULT_RECORDS} seeded random and mutated payloads on
 * {@code sieve.labels} (see {@link LabelFuzzer}; {@code -Dsieve.fuzz.seed} replays a run, {@code
 * -Dsieve.fuzz.records} changes the count), about {@value LabelFuzzer#CONTENTS} scored contents, on
 * the real stack: no record fails the job, and every label sent is accounted for — published to
 * {@code sieve.labelled} or dead-lettered with a reason — with the heap bounded.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class LabelFuzzIT {

  private static final int DEFAULT_RECORDS = 100_000;
  private static final int RECORDS = Integer.getInteger("sieve.fuzz.records", DEFAULT_RECORDS);

  /** Live heap after a full GC once the job has taken everything in (measured: ~180 MB). */
  private static final long HEAP_AFTER_GC_BOUND = 512L << 20;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, 2);

  @Test
  void noLabelFailsTheJobAndEveryLabelIsAccountedFor() throws Exception {
    long seed = Fuzz.seed("LabelFuzzIT");
    ItStack it = new ItStack("al-fuzz", METRICS);
    ActiveLearningConfig config = ActiveLearningJobs.config(it, "--label-grace", "2s");
    ActiveLearningJobs.createTopics(it, config, 1);
    ConfluentAvroCodec<ScoredContent> scoredCodec = it.codec(ScoredContent.class);
    ConfluentAvroCodec<DeadLetter> deadLetterCodec = it.codec(DeadLetter.class);
    LabelFuzzer fuzzer =
        new LabelFuzzer(
            it.codec(dev.sieve.schemas.Label.class), config.labelsTopic(), new Random(seed));

    long setUp = System.nanoTime();
    JobClient job = ActiveLearningJobs.start(config, "label-fuzz-it");
    try {
      List<String> ids = new ArrayList<>();
      List<byte[]> scored = new ArrayList<>();
      for (int c = 0; c < LabelFuzzer.CONTENTS; c++) {
        ids.add("c" + c);
        scored.add(scoredCodec.encode(config.scoredTopic(), scored("c" + c, c)));
      }
      // The 13-byte frame claiming ~1 GB on sieve.scored too: skipped and counted with its reason.
      ids.add("poison");
      scored.add(Fuzz.frameClaiming(ConfluentAvroCodec.schemaIdOf(scored.get(0)), 1_000_000_000L));
      it.send(config.scoredTopic(), ids, scored);
      it.awaitCounter(job, "scoredItems", LabelFuzzer.CONTENTS);
      it.awaitCounter(job, "reason.TRUNCATED.undecodableRecords", 1);
      assertThat(it.counter(job.getJobID(), "undecodableRecords")).isEqualTo(1);
      System.out.printf(
          "FUZZ LabelFuzzIT job running with its contents in %.1f s%n",
          (System.nanoTime() - setUp) / 1e9);
      Fuzz.Heap.resetPeaks();
      long start = System.nanoTime();

      // Act: every payload keyed "k<i>" (dead letters keep the key).
      Map<String, Set<String>> expected = new HashMap<>();
      long bytes = 0;
      try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
          LabelFuzzer.Payload p = fuzzer.next(i);
          expected.put("k" + i, p.outcomes());
          bytes += p.value() == null ? 0 : p.value().length;
          sent.add(producer.send(ItStack.record(config.labelsTopic(), "k" + i, p.value())));
        }
        for (Future<RecordMetadata> f : sent) {
          f.get();
        }
      }
      double sendSeconds = (System.nanoTime() - start) / 1e9;

      // Read both outputs until every label is accounted for, then three more checkpoints.
      List<String> labelledIds = new ArrayList<>();
      Map<String, DeadLetter> letters = new HashMap<>();
      ConfluentAvroCodec<LabelledExample> labelledCodec = it.codec(LabelledExample.class);
      try (KafkaConsumer<byte[], byte[]> consumer = it.stack().readCommittedConsumer()) {
        List<TopicPartition> partitions =
            List.of(
                new TopicPartition(config.labelledTopic(), 0),
                new TopicPartition(config.labelsDlqTopic(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Runnable poll =
            () -> {
              for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(config.labelsDlqTopic())) {
                  DeadLetter letter = deadLetterCodec.decode(r.value());
                  String key = new String(DeadLetters.keyOf(letter), StandardCharsets.UTF_8);
                  assertThat(letters.put(key, letter))
                      .as("a second dead letter for " + key)
                      .isNull();
                } else {
                  labelledIds.add(labelledCodec.decode(r.value()).getContentId());
                }
              }
            };
        await()
            .atMost(ItStack.DEADLINE)
            .pollInterval(Duration.ofMillis(10))
            .failFast("the job stopped running", () -> ItStack.status(job) != JobStatus.RUNNING)
            .until(
                () -> {
                  poll.run();
                  return labelledIds.size() + letters.size() >= RECORDS;
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
          poll.run();
        }

        // Every label accounted for, exactly: published, or dead-lettered with a known reason.
        assertThat(labelledIds.size() + letters.size()).isEqualTo(RECORDS);
        assertThat(labelledIds).doesNotHaveDuplicates(); // the first label of a content wins
        Map<String, Integer> byReason = new TreeMap<>();
        letters.forEach(
            (key, letter) -> {
              byReason.merge(letter.getReason(), 1, Integer::sum);
              assertThat(LabelRejectReason.valueOf(letter.getReason())).isNotNull();
              assertThat(letter.getMessage()).as(key).isNotBlank();
              assertThat(letter.getSourceTopic()).isEqualTo(config.labelsTopic());
            });
        // What was predictable happened: each such label published or refused as expected.
        Set<String> labelledContent = new HashSet<>(labelledIds);
        int predicted = 0;
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
          if (e.getValue().isEmpty()) {
            continue;
          }
          DeadLetter letter = letters.get(e.getKey());
          assertThat(letter == null ? "" : letter.getReason()).as(e.getKey()).isIn(e.getValue());
          predicted++;
        }
        // Only the scored contents can be labelled.
        // Over 10,000 valid labels on 200 contents: every content is labelled, once.
        assertThat(labelledContent)
            .hasSize(LabelFuzzer.CONTENTS)
            .allMatch(id -> id.matches("c\\d+"));

        // The job never restarted, still runs, and its heap stayed bounded.
        assertThat(ItStack.status(job)).isEqualTo(JobStatus.RUNNING);
        assertThat(it.gauges(job.getJobID(), ".numRestarts")).isNotEmpty().containsOnly(0L);
        long peak = Fuzz.Heap.peakBytes();
        long live = Fuzz.Heap.usedAfterGcBytes();
        System.out.printf(
            "FUZZ LabelFuzzIT seed=%d records=%d (%.1f MB) sent in %.1f s, all accounted for in"
                + " %.1f s (%.0f records/s): labelled=%d dead-lettered=%d (predicted %d) by reason"
                + " %s; heap peak %d MB, after GC %d MB%n",
            seed,
            RECORDS,
            bytes / 1e6,
            sendSeconds,
            seconds,
            RECORDS / seconds,
            labelledIds.size(),
            letters.size(),
            predicted,
            byReason,
            peak >> 20,
            live >> 20);
        assertThat(live).isLessThan(HEAP_AFTER_GC_BOUND);
      }
    } finally {
      job.cancel().get();
    }
  }

  /** Content {@code id} as inference-job scores it: a unit embedding, the topic classifier's p. */
  private static ScoredContent scored(String id, int hot) {
    int dimension = EmbeddingModel.DEFAULT.dimension();
    List<Float> embedding = new ArrayList<>(dimension);
    for (int d = 0; d < dimension; d++) {
      embedding.add(d == hot % dimension ? 1f : 0f);
    }
    Map<String, Double> p = new LinkedHashMap<>();
    for (int c = 0; c < LabelFuzzer.CLASSES.size(); c++) {
      p.put(LabelFuzzer.CLASSES.get(c), c == hot % LabelFuzzer.CLASSES.size() ? 0.7 : 0.1);
    }
    String guess = LabelFuzzer.CLASSES.get(hot % LabelFuzzer.CLASSES.size());
    return ScoredContent.newBuilder()
        .setContentId(id)
        .setText("text of " + id)
        .setEmbeddingModel(EmbeddingModel.DEFAULT.id())
        .setEmbedding(embedding)
        .setClassifiers(
            Map.of(
                LabelFuzzer.CLASSIFIER,
                ClassifierScores.newBuilder()
                    .setModelVersion(1)
                    .setLabel(guess)
                    .setConfidence(0.7)
                    .setScores(p)
                    .build()))
        .setScoredAtMs(System.currentTimeMillis())
        .build();
  }
}
