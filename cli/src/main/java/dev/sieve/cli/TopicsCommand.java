package dev.sieve.cli;

import dev.sieve.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sieve topics}: creates Sieve's topics on any cluster, or lists them. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description =
        "Create (--create) or list Sieve's topics on a Kafka cluster. New topics get their"
            + " retention: sieve.models compacted, sieve.labels and sieve.labelled kept forever"
            + " (retention.ms=-1), the rest the broker's default.")
public final class TopicsCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(names = "--create", description = "Create the topics that are missing.")
  boolean create;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--replication-factor",
      defaultValue = "1",
      description = "Replication factor of each new topic (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> props = new HashMap<>(connection.properties());
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      if (create) {
        List<NewTopic> missing =
            newTopics(connection.topicPrefix, partitions, replicationFactor).stream()
                .filter(t -> !existing.contains(t.name()))
                .toList();
        admin.createTopics(missing).all().get();
        missing.forEach(t -> System.out.println("created " + t.name()));
      }
      Set<String> now = admin.listTopics().names().get();
      for (var topic : Topics.ALL) {
        String name = topic.name(connection.topicPrefix);
        System.out.printf("%-40s %s%n", name, now.contains(name) ? "present" : "missing");
      }
    }
    return 0;
  }

  /**
   * Every Sieve topic under {@code prefix}, with the configs of its retention: the models topic
   * compacted, labels and labelled examples kept forever, the rest the broker's default.
   */
  public static List<NewTopic> newTopics(String prefix, int partitions, short replicationFactor) {
    return Topics.ALL.stream()
        .map(t -> new NewTopic(t.name(prefix), partitions, replicationFactor).configs(t.configs()))
        .toList();
  }
}
