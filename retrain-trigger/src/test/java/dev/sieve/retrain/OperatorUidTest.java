package dev.sieve.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.model.SigningKey;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.testkit.OperatorUids;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/**
 * A savepoint of retrain-trigger restores into a new jar only if every operator keeps its uid. The
 * production graph (Kafka wiring, built and not executed) must give every node an explicit uid, so
 * a stateful operator added later cannot slip through without one, and the uids must be the ones
 * released savepoints hold: a new operator adds its uid to this list, an existing uid is never
 * renamed.
 */
class OperatorUidTest {

  @Test
  void everyOperatorHasItsStableUid() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RetrainJob.defineKafkaJob(
        env,
        RetrainConfig.fromArgs(
            new String[] {
              "--bootstrap-servers",
              "127.0.0.1:9",
              "--registry-url",
              "http://127.0.0.1:9",
              "--model-trusted-keys",
              SigningKey.generate().publicBase64(),
              "--signing-key-file",
              "/nonexistent/model-signing.key"
            }));
    StreamGraph graph = env.getStreamGraph();

    assertThat(OperatorUids.missing(graph)).as("operators without a uid").isEmpty();
    // The sinks' committers take their uids from the sinks' ("Sink Committer: <sink uid>").
    assertThat(OperatorUids.of(graph))
        .containsExactlyInAnyOrder(
            "labelled-source",
            "requests-source",
            "models-source",
            "wrap-labelled",
            "wrap-requests",
            "wrap-models",
            "retrain-trigger",
            "models-sink",
            "Sink Committer: models-sink",
            "alerts-sink",
            "Sink Committer: alerts-sink");
  }
}
