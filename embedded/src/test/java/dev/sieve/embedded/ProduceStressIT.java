package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Produce right after {@link EmbeddedKafka#createTopics}, many times over: every record sent
 * through a fresh idempotent producer with the shared test settings must be acknowledged and read
 * back exactly once.
 *
 * <p>It guards against KAFKA-15591: a KRaft broker publishes a new partition in its metadata cache
 * before its ReplicaManager hosts it, so a producer can see the leader, have its first batch
 * rejected with NOT_LEADER_OR_FOLLOWER and a later batch of the same partition accepted (the broker
 * takes any first sequence of a producer it does not know); the first batch then fails with
 * OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} (120 s) expires it, and its
 * records are lost. Before createTopics waited for the partitions to be served, a run of this test
 * wedged within its first 70 rounds every time (8 runs of 8). Each round waits for its
 * acknowledgements with a deadline far above a healthy round's (~0.1 s), so a wedge fails the test
 * after 30 s instead of hanging it for two minutes. {@code -Dsieve.stress.rounds=N} runs more.
 */
class ProduceStressIT {

  private static final int ROUNDS = Integer.getInteger("sieve.stress.rounds", 150);
  private static final int MIN_RECORDS = 300;
  private static final int MAX_RECORDS = 1_300;

  /** About 100 bytes a record: a 16 KB batch holds ~130 records, so a round sends many batches. */
  private static final int VALUE_BYTES = 100;

  private static final Duration ROUND_DEADLINE = Duration.ofSeconds(30);

  private static SharedStack stack;

  // Time spent in createTopics, in producing and in reading back: where a slow run spends it.
  private static long createNanos;
  private static long produceNanos;
  private static long readNanos;

  @BeforeAll
  static void startStack() {
    stack = SharedStack.get();
  }

  @Test
  void everyRecordProducedToAFreshTopicIsReadBackExactlyOnce() throws Exception {
    long started = System.nanoTime();
    long records = 0;
    long roundsWithRetries = 0;
    for (int round = 0; round < ROUNDS; round++) {
      int partitions = 1 + round % 2;
      // 300..1,299 records, spread over the rounds without a pattern that lines up with the size
      int count = MIN_RECORDS + (round * 389) % (MAX_RECORDS - MIN_RECORDS);
      String topic = "it-stress." + round + "." + UUID.randomUUID();
      roundsWithRetries += produceAndReadBack(round, topic, partitions, count) ? 1 : 0;
      records += count;
    }
    System.out.printf(
        "ProduceStressIT: %d rounds, %,d records, %d rounds with producer retries, %d ms"
            + " (createTopics %d ms, produce %d ms, read back %d ms)%n",
        ROUNDS,
        records,
        roundsWithRetries,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        TimeUnit.NANOSECONDS.toMillis(createNanos),
        TimeUnit.NANOSECONDS.toMillis(produceNanos),
        TimeUnit.NANOSECONDS.toMillis(readNanos));
  }

  /**
   * One round: create the topic, produce {@code count} records at once, check every send, read all
   * back with a read_committed consumer. Returns whether the producer had to retry a send.
   */
  private static boolean produceAndReadBack(int round, String topic, int partitions, int count)
      throws Exception {
    long t0 = System.nanoTime();
    stack.kafka().createTopics(List.of(new NewTopic(topic, partitions, (short) 1)));
    long t1 = System.nanoTime();
    createNanos += t1 - t0;

    Queue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger acked = new AtomicInteger();
    CountDownLatch completed = new CountDownLatch(count);
    double retries;
    KafkaProducer<byte[], byte[]> producer = stack.producer();
    try {
      for (int i = 0; i < count; i++) {
        int index = i;
        producer.send(
            new ProducerRecord<>(topic, key(index), value(round, index)),
            (metadata, exception) -> {
              if (exception != null) {
                errors.add("record " + index + ": " + exception);
              } else {
                acked.incrementAndGet();
              }
              completed.countDown();
            });
      }
      // flush() blocks until delivery.timeout.ms (120 s) when a partition is wedged: bound it.
      CompletableFuture<Void> flushed = CompletableFuture.runAsync(producer::flush);
      boolean done = completed.await(ROUND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      retries = metric(producer, "record-retry-total");
      if (!done) {
        fail(
            "round %d, topic %s (%d partitions): %d of %d sends completed after %s (%d acked,"
                + " %.0f retries); first errors: %s",
            round,
            topic,
            partitions,
            count - completed.getCount(),
            count,
            ROUND_DEADLINE,
            acked.get(),
            retries,
            first(errors));
      }
      flushed.get(ROUND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      // Duration.ZERO: a wedged producer must not hold the test for delivery.timeout.ms on close.
      producer.close(Duration.ZERO);
    }
    assertThat(errors)
        .as("failed sends of round %d, topic %s (%.0f retries)", round, topic, retries)
        .isEmpty();
    assertThat(acked.get()).as("acknowledged sends of round %d", round).isEqualTo(count);

    long t2 = System.nanoTime();
    produceNanos += t2 - t1;
    readBackExactlyOnce(round, topic, partitions, count);
    readNanos += System.nanoTime() - t2;
    return retries > 0;
  }

  private static void readBackExactlyOnce(int round, String topic, int partitions, int count) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    BitSet seen = new BitSet(count);
    List<String> problems = new ArrayList<>();
    int read = 0;
    KafkaConsumer<byte[], byte[]> consumer = stack.readCommittedConsumer();
    try {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      // Every send is acknowledged and the producer closed: these end offsets are final. Asked
      // before reading, as a ListOffsets request after a poll waits behind the fetch the broker
      // holds for fetch.max.wait.ms (500 ms) on the same connection.
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      long total = ends.values().stream().mapToLong(Long::longValue).sum();
      assertThat(total).as("records in %s (end offsets %s)", topic, ends).isEqualTo(count);
      long deadline = System.nanoTime() + ROUND_DEADLINE.toNanos();
      while (read < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          read++;
          ByteBuffer value = ByteBuffer.wrap(r.value());
          int recordRound = value.getInt();
          int index = value.getInt();
          if (recordRound != round || index < 0 || index >= count) {
            problems.add("foreign record " + recordRound + "/" + index + " at " + r.offset());
          } else if (seen.get(index)) {
            problems.add(
                "duplicate of record " + index + " at " + r.partition() + "/" + r.offset());
          } else {
            seen.set(index);
          }
        }
      }
      // Nothing beyond what was read: the log ends exactly where this consumer stands.
      for (TopicPartition tp : tps) {
        assertThat(consumer.position(tp))
            .as("position of %s after reading round %d", tp, round)
            .isEqualTo(ends.get(tp));
      }
    } finally {
      // No group to leave, nothing to commit: a default close waits for the fetch the broker holds
      // for fetch.max.wait.ms (500 ms), which would make reading most of this test's time.
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
    assertThat(problems).as("round %d, topic %s", round, topic).isEmpty();
    assertThat(read).as("records read back from %s", topic).isEqualTo(count);
    assertThat(seen.cardinality()).as("distinct records read back from %s", topic).isEqualTo(count);
  }

  private static byte[] key(int index) {
    return ("k" + index).getBytes(StandardCharsets.UTF_8);
  }

  /** The round and the record's index, then filler up to {@link #VALUE_BYTES}. */
  private static byte[] value(int round, int index) {
    ByteBuffer value = ByteBuffer.allocate(VALUE_BYTES);
    value.putInt(round).putInt(index);
    while (value.hasRemaining()) {
      value.put((byte) ('a' + (index + value.position()) % 26));
    }
    return value.array();
  }

  private static double metric(KafkaProducer<?, ?> producer, String name) {
    for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
      if (m.getKey().name().equals(name) && m.getKey().group().equals("producer-metrics")) {
        return ((Number) m.getValue().metricValue()).doubleValue();
      }
    }
    return Double.NaN;
  }

  private static List<String> first(Queue<String> errors) {
    return errors.stream().limit(3).toList();
  }
}
