package dev.sieve.core.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.embedded.SharedStack;
import dev.sieve.schemas.ContentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The Kafka serializer and deserializer, configured by class name, through a real broker. */
class KafkaSerdeIT {

  @Test
  void contentEventsRoundTripThroughTheBroker() throws Exception {
    SharedStack stack = SharedStack.get();
    String topic = "it-serde-" + UUID.randomUUID();
    stack.kafka().createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    List<ContentEvent> sent =
        List.of(
            ContentEvent.newBuilder().setId("c-1").setText("first").build(),
            ContentEvent.newBuilder()
                .setId("c-2")
                .setText("second")
                .setSource("app")
                .setAttributes(Map.of("k", "v"))
                .build());

    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class.getName(),
            RegistryConfig.URL, stack.registryUrl(),
            SerdeConfig.VALUE_TYPE, ContentEvent.class.getName());
    try (KafkaProducer<String, ContentEvent> producer = new KafkaProducer<>(producerConfig)) {
      for (ContentEvent event : sent) {
        producer.send(new ProducerRecord<>(topic, event.getId(), event)).get();
      }
    }

    Map<String, Object> consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "it-serde-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ConfluentAvroDeserializer.class.getName(),
            RegistryConfig.URL, stack.registryUrl(),
            SerdeConfig.VALUE_TYPE, ContentEvent.class.getName());
    List<ContentEvent> received = new ArrayList<>();
    try (KafkaConsumer<String, ContentEvent> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ContentEvent> record : consumer.poll(Duration.ofMillis(500))) {
          assertThat(record.key()).isEqualTo(record.value().getId());
          received.add(record.value());
        }
      }
    }

    assertThat(received).containsExactlyElementsOf(sent);
  }
}
