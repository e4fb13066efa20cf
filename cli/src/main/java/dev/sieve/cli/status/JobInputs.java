package dev.sieve.cli.status;

import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.util.List;

/**
 * The Kafka topics each Sieve job reads, and the consumer group it reads them in. Mirrors the jobs'
 * sources ({@code IngestJob}, {@code InferenceSources}, {@code ActiveLearningSources}, {@code
 * RetrainSources}), which the operator CLI cannot depend on: every source is built by core's {@code
 * KafkaSources} with the group {@code --group-id}, by default the topic prefix followed by the
 * job's short name ({@code CommonConfig.from}), and Flink's Kafka source commits its offsets to
 * that group on every completed checkpoint.
 *
 * @param job the job's short name, as in its consumer group
 * @param flinkName the job's name on a Flink cluster: {@code sieve } and its module's name, as the
 *     job's {@code main} and {@code ./sieve up} submit it
 */
public record JobInputs(String job, String flinkName, List<Topic<String, ?>> topics) {

  public static final List<JobInputs> ALL =
      List.of(
          new JobInputs("ingest", "sieve ingest-job", List.of(Topics.CONTENT_RAW)),
          new JobInputs("inference", "sieve inference-job", List.of(Topics.CONTENT, Topics.MODELS)),
          new JobInputs(
              "active-learning",
              "sieve active-learning-job",
              List.of(Topics.SCORED, Topics.LABELS)),
          new JobInputs(
              "retrain",
              "sieve retrain-trigger",
              List.of(Topics.LABELLED, Topics.RETRAIN_REQUESTS, Topics.MODELS)));

  /** The job's default consumer group under a topic prefix ({@code sieve.ingest}). */
  String group(String prefix) {
    return prefix + job;
  }
}
