package dev.sieve.cli.status;

import dev.sieve.cli.CliException;
import dev.sieve.cli.ClientCommand;
import dev.sieve.cli.ConnectionOptions;
import dev.sieve.cli.SieveClients;
import dev.sieve.cli.label.QueueBacklog;
import dev.sieve.cli.label.QueueSettings;
import dev.sieve.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sieve status}: one screen on how a running deployment is doing, from Flink's REST API (the
 * jobs' state and uptime) and Kafka (the jobs' consumer lag, the serving version and live accuracy
 * of each classifier, the labeling queue's backlog, the last drift alert). Every read is bounded,
 * so it is safe to run in a loop ({@code watch sieve status}).
 *
 * <p>Flink is optional: without a URL its part is one line saying how to give one, and when it does
 * not answer its part is one line saying so, the rest is shown and the exit code is 1. Kafka and
 * the registry are not: the command fails with one line when they do not answer.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "One screen on a running Sieve: each job's state and uptime (Flink's REST API), consumer lag"
          + " per input topic, each classifier's serving version and live accuracy, the labeling"
          + " queue's backlog and the last drift alert per classifier.",
      "Exit code 1 when Kafka, the registry or a given Flink URL does not answer."
    })
public final class StatusCommand implements Callable<Integer> {

  /** The property (in --config or -X) that gives Flink's REST URL when --flink-url does not. */
  public static final String FLINK_URL = "sieve.flink.rest.url";

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--flink-url",
      paramLabel = "<url>",
      description =
          "Flink's REST API, e.g. http://127.0.0.1:8081 (or "
              + FLINK_URL
              + " in --config); without it the jobs are not shown.")
  String flinkUrl;

  @Override
  public Integer call() {
    return ClientCommand.reportingFailures(spec, this::run);
  }

  private int run(PrintWriter out, PrintWriter err) {
    Instant now = Instant.now();
    String url = flinkUrl != null ? flinkUrl : connection.properties().get(FLINK_URL);
    StatusScreen.FlinkPart flink = flink(url);
    try (SieveClients clients = new SieveClients(connection)) {
      Admin admin = Admin.create(adminProperties(clients));
      try {
        out.print(StatusScreen.render(read(clients, admin, err, now, flink)));
      } finally {
        admin.close(Duration.ofSeconds(1)); // calls still waiting on a silent broker are dropped
      }
    }
    return flink.problem() == null ? 0 : 1;
  }

  /** Kafka's part, read after Flink's: lag, the labeling backlog, then the four topics. */
  private StatusScreen.Snapshot read(
      SieveClients clients,
      Admin admin,
      PrintWriter err,
      Instant now,
      StatusScreen.FlinkPart flink) {
    String prefix = connection.topicPrefix();
    String queueTopic = Topics.LABELING_REQUESTS.name(prefix);
    List<ConsumerLag.Row> lag = ConsumerLag.measure(admin, clients, prefix);
    boolean queueExists = exists(admin, clients, queueTopic);
    Optional<QueueBacklog.Backlog> backlog =
        queueExists
            ? new QueueBacklog(admin, QueueSettings.DEFAULT_GROUP, queueTopic).measure()
            : Optional.empty();
    List<ClassifierStatus.Line> classifiers = StatusTopics.read(clients, err).lines();
    return new StatusScreen.Snapshot(
        now,
        prefix,
        flink,
        lag,
        classifiers,
        new StatusScreen.Queue(QueueSettings.DEFAULT_GROUP, queueTopic, queueExists, backlog));
  }

  /** Whether the topic exists, so that a missing one is told apart from a silent broker. */
  private static boolean exists(Admin admin, SieveClients clients, String topic) {
    try {
      return admin
          .listTopics()
          .names()
          .get(clients.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw clients.unreachable();
    } catch (TimeoutException e) {
      throw clients.unreachable();
    } catch (ExecutionException e) {
      throw new CliException("cannot list the topics: " + ClientCommand.describe(e));
    }
  }

  /**
   * The Admin client's properties: the user's, with each request bounded by {@code --timeout}. The
   * consumers' {@code default.api.timeout.ms} is left out, since the Admin client refuses one below
   * its request timeout; every call here waits at most {@code --timeout} on its own.
   */
  private static Map<String, Object> adminProperties(SieveClients clients) {
    Map<String, Object> props = new HashMap<>(clients.kafkaProperties());
    props.remove(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    props.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) clients.timeout().toMillis());
    return props;
  }

  private StatusScreen.FlinkPart flink(String url) {
    if (url == null || url.isBlank()) {
      return StatusScreen.FlinkPart.skipped();
    }
    try {
      return new StatusScreen.FlinkPart(url, FlinkJobs.fetch(url, connection.timeout()), null);
    } catch (CliException e) {
      return new StatusScreen.FlinkPart(url, List.of(), e.getMessage());
    }
  }
}
