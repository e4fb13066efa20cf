package dev.sieve.activelearning.io;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.kafka.KafkaSources;
import dev.sieve.schemas.ScoredContent;
import org.apache.flink.connector.kafka.source.KafkaSource;

/** The two Kafka sources of active-learning-job. */
public final class ActiveLearningSources {

  private ActiveLearningSources() {}

  /**
   * {@code sieve.scored}, decoded as Confluent Avro. Only inference-job writes it, so an
   * undecodable record is a bug upstream: logged, counted and skipped (see {@link
   * KafkaSources#avroBuilder}).
   */
  public static KafkaSource<ScoredContent> scored(ActiveLearningConfig config) {
    return KafkaSources.avroBuilder(config.common(), config.scoredTopic(), ScoredContent.class)
        .build();
  }

  /**
   * {@code sieve.labels}, raw: labelers are other people's code, so bad records are dead-lettered.
   */
  public static KafkaSource<KafkaRawRecord> labels(ActiveLearningConfig config) {
    return KafkaSources.rawRecords(config.common(), config.labelsTopic());
  }
}
