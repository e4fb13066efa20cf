package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.testkit.OperatorUids;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/**
 * A savepoint of active-learning-job restores into a new jar only if every operator keeps its uid.
 * The production graph (Kafka wiring, built and not executed) must give every node an explicit uid,
 * so a stateful operator added later cannot slip through without one, and the uids must be the ones
 * released savepoints hold: a new operator adds its uid to this list, an existing uid is never
 * renamed.
 */
class OperatorUidTest {

  @Test
  void everyOperatorHasItsStableUid() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ActiveLearningJob.defineKafkaJob(
        env,
        ActiveLearningConfig.fromArgs(
            new String[] {
              "--bootstrap-servers", "127.0.0.1:9", "--registry-url", "http://127.0.0.1:9"
            }));
    StreamGraph graph = env.getStreamGraph();

    assertThat(OperatorUids.missing(graph)).as("operators without a uid").isEmpty();
    // The sinks' committers take their uids from the sinks' ("Sink Committer: <sink uid>").
    assertThat(OperatorUids.of(graph))
        .containsExactlyInAnyOrder(
            "scored-source",
            "labels-source",
            "decode-labels",
            "label-join",
            "split-by-classifier",
            "curator",
            "requests-sink",
            "labelled-sink",
            "accuracy-sink",
            "drift-sink",
            "retrain-sink",
            "dead-letter-sink",
            "drift-windows-sink",
            "Sink Committer: requests-sink",
            "Sink Committer: labelled-sink",
            "Sink Committer: accuracy-sink",
            "Sink Committer: drift-sink",
            "Sink Committer: retrain-sink",
            "Sink Committer: dead-letter-sink",
            "Sink Committer: drift-windows-sink");
  }
}
