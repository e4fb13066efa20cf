package dev.sieve.ingest.io;

import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.core.kafka.KafkaSinks;
import dev.sieve.core.kafka.RecordKey;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The two Kafka sinks of ingest-job. */
public final class IngestSinks {

  private IngestSinks() {}

  /** {@code sieve.content}: key = content id, value = Confluent-framed Avro ContentEvent. */
  public static KafkaSink<ContentEvent> content(IngestConfig config) {
    return KafkaSinks.avro(
        config.common(),
        "content",
        config.contentTopic(),
        ContentEvent.class,
        RecordKey.utf8(ContentEvent::getId));
  }

  /** {@code sieve.content.dlq}: key = the rejected record's own key, value = DeadLetter. */
  public static KafkaSink<DeadLetter> deadLetters(IngestConfig config) {
    return KafkaSinks.avro(
        config.common(), "dlq", config.dlqTopic(), DeadLetter.class, DeadLetters::keyOf);
  }
}
