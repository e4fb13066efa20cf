package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private broker (not the shared one) taken away and brought back: what was committed before the
 * outage is there afterwards, at the same address, and a kept data directory starts a new broker on
 * the old data.
 */
class EmbeddedKafkaRestartIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TOPIC = "restart.topic";
  private static final String GROUP = "restart-group";

  @TempDir Path kept;

  @Test
  void committedRecordsAndGroupOffsetsSurviveStopAndRestart() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      writeCommittedAndAborted(kafka);
      commitGroupOffset(bootstrap, 2);

      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      assertUnreachable(bootstrap);

      kafka.restart();
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(readCommitted(bootstrap)).containsExactly("c0", "c1", "c2", "c3");
      assertThat(committedOffset(bootstrap)).isEqualTo(2);
      // The broker takes new transactions after the restart (its transaction state is intact).
      try (KafkaProducer<String, String> producer = transactional(bootstrap, "tx-after")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, "k", "c4"));
        producer.commitTransaction();
      }
      assertThat(readCommitted(bootstrap)).containsExactly("c0", "c1", "c2", "c3", "c4");
    }
  }

  @Test
  void aKeptDataDirectoryStartsTheNextBrokerOnTheSameDataAndPort() throws Exception {
    String bootstrap;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(kept)) {
      bootstrap = kafka.bootstrapServers();
      writeCommittedAndAborted(kafka);
      commitGroupOffset(bootstrap, 3);
    }
    assertThat(kept.resolve("data").resolve("meta.properties")).isRegularFile();

    try (EmbeddedKafka again = EmbeddedKafka.start(kept)) {
      assertThat(again.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(readCommitted(bootstrap)).containsExactly("c0", "c1", "c2", "c3");
      assertThat(committedOffset(bootstrap)).isEqualTo(3);
    }
  }

  /** Four records in a committed transaction, then one in an aborted transaction. */
  private static void writeCommittedAndAborted(EmbeddedKafka kafka) throws Exception {
    kafka.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)));
    try (KafkaProducer<String, String> producer =
        transactional(kafka.bootstrapServers(), "tx-before")) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 4; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "k", "c" + i));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, "k", "aborted")).get();
      producer.abortTransaction();
    }
  }

  private static void commitGroupOffset(String bootstrap, long offset) {
    try (KafkaConsumer<String, String> consumer = consumer(bootstrap, GROUP)) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
    }
  }

  private static long committedOffset(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(adminProps(bootstrap))) {
      return admin
          .listConsumerGroupOffsets(GROUP)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS)
          .get(new TopicPartition(TOPIC, 0))
          .offset();
    }
  }

  private static List<String> readCommitted(String bootstrap) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  private static void assertUnreachable(String bootstrap) {
    Properties props = adminProps(bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    try (Admin admin = Admin.create(props)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }

  private static KafkaProducer<String, String> transactional(String bootstrap, String id) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  private static Properties adminProps(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }
}
