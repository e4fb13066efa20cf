package dev.sieve.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCli;
import dev.sieve.embedded.ApicurioRegistry;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sieve produce} when the schema registry is away as it starts to send Avro: it says once
 * that it waits for the registry, waits (no error, no record skipped), says once that the registry
 * is back, and then sends every line exactly once. A registry of its own, stopped and restarted on
 * the same URL; the shared broker.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class RegistryOutageProduceIT {

  private static final int LINES = 50;
  private static final Duration OUTAGE = Duration.ofSeconds(15);

  private final ItStack it = new ItStack("it-registry-outage", null);
  @TempDir Path dir;

  @Test
  void produceWaitsForTheRegistryThenSendsEveryLineOnce() throws Exception {
    String topic = Topics.CONTENT_RAW.name(it.prefix());
    it.createTopics(1, topic);
    Path file = dir.resolve("lines.jsonl");
    Files.write(
        file,
        IntStream.range(0, LINES)
            .mapToObj(i -> "{\"id\": \"line-" + i + "\", \"text\": \"text " + i + "\"}")
            .toList());
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      registry.stop();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CompletableFuture<Integer> produce =
          CompletableFuture.supplyAsync(
              () -> {
                var cli = SieveCli.commandLine();
                cli.setOut(new PrintWriter(out, true));
                cli.setErr(new PrintWriter(err, true));
                return cli.execute(
                    "produce",
                    "--file",
                    file.toString(),
                    "--bootstrap-servers",
                    it.bootstrapServers(),
                    "--registry-url",
                    registry.confluentApiUrl(),
                    "--topic-prefix",
                    it.prefix(),
                    "--timeout",
                    "2m", // how long it may wait for Kafka or the registry
                    "--progress=false");
              });
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> err.toString().contains("waiting for the schema registry"));
      Thread.sleep(OUTAGE.toMillis()); // time that must pass: the outage itself
      assertThat(produce).as("produce waits while the registry is away").isNotDone();
      registry.restart();

      assertThat(produce.get(2, TimeUnit.MINUTES)).as(err.toString()).isZero();
      String said = err.toString();
      System.out.println("sieve produce through a registry outage, stderr:\n" + said);
      assertThat(said.split("waiting for the schema registry at ", -1)).hasSize(2); // once
      assertThat(said)
          .containsPattern(
              "the schema registry at http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7 is back after"
                  + " \\d+ s; resuming");
      assertThat(out.toString()).contains("produced=" + LINES);
      Map<String, Long> perId =
          it.readCommittedToEnd(topic).stream()
              .map(ConsumerRecord::key)
              .map(k -> new String(k, StandardCharsets.UTF_8))
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(perId.keySet())
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, LINES).mapToObj(i -> "line-" + i).toList());
      assertThat(perId.values()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
      assertThat(said).as("no stack trace").doesNotContain("\tat ");
    }
  }
}
