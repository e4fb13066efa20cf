package dev.sieve.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Streams the demo corpus to the raw topic the way real apps would: half as Confluent-framed Avro
 * through the registry, half as JSON, with some re-sent ids (duplicates) and a few malformed
 * records of the kinds Sieve must dead-letter.
 */
final class DemoProducer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaProducer<byte[], byte[]> producer;
  private final ConfluentAvroCodec<ContentEvent> contentCodec;
  private final ConfluentAvroCodec<Label> otherCodec;
  private final String topic;
  private final AtomicInteger sent = new AtomicInteger();
  private volatile int valid;
  private volatile int duplicates;
  private volatile int malformed;

  DemoProducer(
      KafkaProducer<byte[], byte[]> producer,
      ConfluentAvroCodec<ContentEvent> contentCodec,
      ConfluentAvroCodec<Label> otherCodec,
      String topic) {
    this.producer = producer;
    this.contentCodec = contentCodec;
    this.otherCodec = otherCodec;
    this.topic = topic;
  }

  /**
   * Sends {@code items} at about {@code perSecond} records a second; returns when all are sent.
   * With {@code careless}, also re-sends some ids (retries) and mixes in malformed records.
   */
  void run(List<DemoCorpus.Item> items, double perSecond, boolean careless)
      throws InterruptedException {
    List<byte[][]> malformedRecords = careless ? malformedRecords() : new ArrayList<>();
    long pauseNanos = (long) (1e9 / perSecond);
    long next = System.nanoTime();
    for (int i = 0; i < items.size(); i++) {
      DemoCorpus.Item item = items.get(i);
      send(item.id(), i % 2 == 0 ? avro(item) : json(item));
      valid++;
      if (careless && i % 10 == 9) { // a retried send: same id again, Sieve keeps the first
        send(items.get(i - 5).id(), json(items.get(i - 5)));
        duplicates++;
      }
      if (i % 5 == 4 && !malformedRecords.isEmpty()) {
        byte[][] bad = malformedRecords.remove(0);
        send(bad[0], bad[1]);
        malformed++;
      }
      next += pauseNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    for (byte[][] bad : malformedRecords) {
      send(bad[0], bad[1]);
      malformed++;
    }
    producer.flush();
  }

  int sent() {
    return sent.get();
  }

  int valid() {
    return valid;
  }

  int duplicates() {
    return duplicates;
  }

  int malformed() {
    return malformed;
  }

  private void send(String key, byte[] value) {
    send(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  private void send(byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
    sent.incrementAndGet();
  }

  private byte[] avro(DemoCorpus.Item item) {
    return contentCodec.encode(
        topic,
        ContentEvent.newBuilder().setId(item.id()).setText(item.text()).setSource("demo").build());
  }

  private static byte[] json(DemoCorpus.Item item) {
    ObjectNode node = JSON.createObjectNode().put("id", item.id()).put("text", item.text());
    node.put("source", "demo");
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One record of each kind a careless producer sends: {key, value}. */
  private List<byte[][]> malformedRecords() {
    byte[] good =
        contentCodec.encode(
            topic, ContentEvent.newBuilder().setId("demo-bad-avro").setText("fine text").build());
    byte[] badMagic = good.clone();
    badMagic[0] = 1;
    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId).putInt(1, 987_654);
    byte[] otherType =
        otherCodec.encodeForSubject(
            "sieve-demo-other-value",
            Label.newBuilder()
                .setContentId("demo-0001")
                .setClassifier("topic")
                .setLabel("billing")
                .setLabeler("nobody")
                .setLabeledAtMs(0)
                .build());
    List<byte[][]> bad = new ArrayList<>();
    bad.add(kv("demo-bad-1", "this is plain text, not JSON".getBytes(StandardCharsets.UTF_8)));
    bad.add(kv("demo-bad-2", badMagic));
    bad.add(kv("demo-bad-3", unknownId));
    bad.add(kv("demo-bad-4", Arrays.copyOf(good, good.length - 4)));
    bad.add(kv("demo-bad-5", otherType));
    bad.add(kv("demo-bad-6", "[\"an\", \"array\"]".getBytes(StandardCharsets.UTF_8)));
    bad.add(kv("demo-bad-7", "{\"id\": \"demo-bad-7\"}".getBytes(StandardCharsets.UTF_8)));
    bad.add(
        kv(
            "demo-bad-8",
            "{\"id\": \"demo-bad-8\", \"text\": \"   \"}".getBytes(StandardCharsets.UTF_8)));
    bad.add(kv("demo-bad-9", null));
    bad.add(kv("demo-bad-11", Arrays.copyOf(good, good.length + 2))); // trailing bytes
    bad.add(kv(null, "{\"id\": \"\", \"text\": \"who am I?\"}".getBytes(StandardCharsets.UTF_8)));
    return bad;
  }

  private static byte[][] kv(String key, byte[] value) {
    return new byte[][] {key == null ? null : key.getBytes(StandardCharsets.UTF_8), value};
  }
}
