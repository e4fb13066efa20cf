package dev.sieve.testkit;

import java.util.List;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * The operator uids of a job's stream graph. A savepoint maps state to operators by uid; an
 * operator without an explicit one gets a uid hashed from its place in the graph, which changes
 * when the graph does, and its state is then refused or lost on the next upgrade. The rule a job's
 * test checks is the simplest that cannot miss a future stateful operator: every node has a uid,
 * and the uids are the ones earlier savepoints were taken with (added to, never renamed).
 */
public final class OperatorUids {

  private OperatorUids() {}

  /** The nodes of {@code graph} without an explicit uid, as {@code "name (node n)"}. */
  public static List<String> missing(StreamGraph graph) {
    return graph.getStreamNodes().stream()
        .filter(node -> node.getTransformationUID() == null)
        .map(node -> node.getOperatorName() + " (node " + node.getId() + ")")
        .sorted()
        .toList();
  }

  /** The explicit uids of the nodes of {@code graph}, sorted. */
  public static List<String> of(StreamGraph graph) {
    return graph.getStreamNodes().stream()
        .map(StreamNode::getTransformationUID)
        .filter(uid -> uid != null)
        .sorted()
        .toList();
  }
}
