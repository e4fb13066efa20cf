package dev.sieve.cli.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCli;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The labeling queue on a real share group (embedded Kafka 4.2 broker and Apicurio registry): two
 * labelers split the queue; a labeler that crashes, or quits, holding requests has them redelivered
 * to another; {@code sieve label} driven through a pipe answers, skips and gives up; {@code sieve
 * oracle} answers from a labelled file and rejects what it cannot answer.
 *
 * <p>Each test works on its own topics (a fresh prefix) and share groups whose acquisition lock is
 * 2 s (group config {@code share.record.lock.duration.ms}), so lock expiry is quick.
 */
class LabelingQueueIT {

  private static final Duration LOCK = Duration.ofSeconds(2);

  /** A labelled JSONL file as {@code sieve oracle --answers} reads it, written by the test. */
  private static final List<String> ANSWERS =
      List.of(
          "{\"id\": \"sms-1\", \"text\": \"WINNER! Claim your free cruise now, text WIN to 80082\", \"label\": \"spam\"}",
          "{\"id\": \"sms-2\", \"text\": \"are we still on for lunch tomorrow?\", \"label\": \"ham\"}",
          "{\"id\": \"sms-3\", \"text\": \"URGENT: your account is locked, reply with your PIN\", \"label\": \"spam\"}",
          "{\"id\": \"sms-4\", \"text\": \"running ten minutes late, sorry\", \"label\": \"ham\"}",
          "{\"id\": \"sms-5\", \"text\": \"you have been selected for a 500 pound prize\", \"label\": \"spam\"}",
          "{\"id\": \"sms-6\", \"text\": \"can you pick up milk on the way home\", \"label\": \"ham\"}");

  /** A new instance, so a new prefix, for each test. */
  private final ItStack it = new ItStack("it-label", null);

  private final ConfluentAvroCodec<LabelRequest> requestCodec = it.codec(LabelRequest.class);
  private final ConfluentAvroCodec<Label> labelCodec = it.codec(Label.class);

  @Test
  void twoLabelersInOneShareGroupSplitTheQueue() throws Exception {
    String prefix = topics();
    String group = "split";
    List<String> ids = IntStream.range(0, 40).mapToObj(i -> "split-" + i).toList();
    Oracle answersAll = oracle(ids, "spam");
    // One request at a time each, so both take part even on a fast queue.
    OracleLabeler a =
        OracleLabeler.start(
            settings(prefix, group, "labeler-a").withBatch(1, true), answersAll, l -> {});
    OracleLabeler b =
        OracleLabeler.start(
            settings(prefix, group, "labeler-b").withBatch(1, true), oracle(ids, "spam"), l -> {});
    try {
      awaitMembers(group, 2);
      produce(
          prefix,
          ids.stream().map(id -> request(id, "text of " + id, List.of("spam", "ham"))).toList());

      Map<String, List<Label>> labels = awaitLabels(prefix, ids.size());

      assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(labels.values()).allSatisfy(l -> assertThat(l).hasSize(1)); // disjoint
      Map<String, Long> perLabeler =
          labels.values().stream()
              .map(l -> l.get(0).getLabeler())
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      System.out.println("split of 40 requests between two labelers: " + perLabeler);
      assertThat(perLabeler).containsOnlyKeys("labeler-a", "labeler-b");
      assertThat(a.answered() + b.answered()).isEqualTo(ids.size());
    } finally {
      a.stop();
      b.stop();
    }
  }

  @Test
  void requestsOfALabelerThatCrashesComeBackWhenTheirLockExpires() throws Exception {
    String prefix = topics();
    String group = "crash";
    List<String> ids = IntStream.range(0, 6).mapToObj(i -> "crash-" + i).toList();
    produce(
        prefix,
        ids.stream().map(id -> request(id, "text of " + id, List.of("spam", "ham"))).toList());

    // The crashing labeler takes up to three requests and then neither answers, nor polls, nor
    // closes: like a process that hangs or is killed.
    LabelingQueue crashing =
        LabelingQueue.open(settings(prefix, group, "crashing").withBatch(3, true), l -> {});
    List<QueuedRequest> held = new ArrayList<>();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> held.addAll(crashing.poll(Duration.ofMillis(500))));
      List<String> heldIds = held.stream().map(QueuedRequest::contentId).toList();
      System.out.println("the crashing labeler holds " + heldIds);

      try (OracleLabeler survivor =
          OracleLabeler.start(settings(prefix, group, "survivor"), oracle(ids, "ham"), l -> {})) {
        Map<String, List<Label>> labels = awaitLabels(prefix, ids.size());

        assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(heldIds).allSatisfy(id -> assertThat(labels.get(id)).hasSize(1));
        assertThat(labels.values())
            .allSatisfy(l -> assertThat(l.get(0).getLabeler()).isEqualTo("survivor"));
      }
    } finally {
      crashing.close();
    }
  }

  @Test
  void requestsOfALabelerThatClosesWithoutAnsweringGoToAnotherAtOnce() throws Exception {
    String prefix = topics();
    String group = "quit";
    List<String> ids = IntStream.range(0, 6).mapToObj(i -> "quit-" + i).toList();
    produce(
        prefix,
        ids.stream().map(id -> request(id, "text of " + id, List.of("spam", "ham"))).toList());
    // A lock far longer than the wait below: only the release on close can bring them back in time.
    Duration longLock = Duration.ofSeconds(60);

    List<String> heldIds = new ArrayList<>();
    try (LabelingQueue quitting =
        LabelingQueue.open(
            settings(prefix, group, "quitting").withBatch(3, true).withLockDuration(longLock),
            l -> {})) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                quitting.poll(Duration.ofMillis(500)).forEach(r -> heldIds.add(r.contentId()));
                return !heldIds.isEmpty();
              });
    } // closed with nothing acknowledged
    System.out.println("the labeler that quit held " + heldIds);

    try (OracleLabeler survivor =
        OracleLabeler.start(
            settings(prefix, group, "survivor").withLockDuration(longLock),
            oracle(ids, "ham"),
            l -> {})) {
      Map<String, List<Label>> labels = awaitLabels(prefix, ids.size(), Duration.ofSeconds(30));

      assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(heldIds)
          .allSatisfy(id -> assertThat(labels.get(id).get(0).getLabeler()).isEqualTo("survivor"));
    }
  }

  @Test
  void terminalLabelerAnswersSkipsAndGivesUpThroughAPipe() throws Exception {
    String prefix = topics();
    String group = "humans";
    List<String> classes = List.of("spam", "ham");

    produce(prefix, request("t-answer", "WIN a FREE cruise, text YES now", classes));
    Run answered = label(prefix, group, "2\n");
    assertThat(answered.exit()).as(answered.err()).isZero();
    assertThat(answered.out())
        .contains("WIN a FREE cruise")
        .contains("[1] spam")
        .contains("[2] ham")
        .contains("labelled 't-answer' as ham")
        .contains("answered 1");
    Label label = awaitLabels(prefix, 1).get("t-answer").get(0);
    assertThat(label.getLabel()).isEqualTo("ham");
    assertThat(label.getLabeler()).isEqualTo("alice");
    assertThat(label.getClassifier()).isEqualTo("spam-filter");

    produce(prefix, request("t-unsure", "see you at 5?", classes));
    Run unsure = label(prefix, group, "u\n");
    assertThat(unsure.exit()).as(unsure.err()).isZero();
    assertThat(unsure.out()).contains("see you at 5?").contains("unsure: taken out of the queue");

    produce(prefix, request("t-skip", "call me back", classes));
    Run skipped = label(prefix, group, "s\n");
    assertThat(skipped.exit()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("call me back").contains("skipped: back in the queue");

    // Another labeler of the group, then a request written after the others: in offset order, the
    // skipped request comes back to it, the one marked unsure never does.
    produce(prefix, request("t-after", "lunch tomorrow", classes));
    OracleLabeler other =
        OracleLabeler.start(
            settings(prefix, group, "other"),
            oracle(List.of("t-unsure", "t-skip", "t-after"), "ham"),
            l -> {});
    try {
      awaitLabels(prefix, 3);
    } finally {
      other.stop();
    }
    Map<String, List<Label>> labels = readLabels(prefix);
    assertThat(labels.keySet()).containsExactlyInAnyOrder("t-answer", "t-skip", "t-after");
    assertThat(labels.get("t-skip")).extracting(Label::getLabeler).containsExactly("other");
    assertThat(other.answered()).isEqualTo(2);
    assertThat(other.rejected()).isZero();
  }

  @Test
  void aPersonWhoThinksLongerThanTheLockKeepsTheRequest() throws Exception {
    String prefix = topics();
    String group = "slow";
    produce(prefix, request("t-slow", "is this spam or not, hmm", List.of("spam", "ham")));
    PipedOutputStream typing = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(typing);
    CompletableFuture<Run> session =
        CompletableFuture.supplyAsync(() -> label(prefix, group, stdin));
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lastOut.contains("t-slow"));
    // Another labeler joins, eager for work, while the person reads for three lock durations; the
    // terminal labeler renews its lock meanwhile, so the request stays on the person's screen.
    OracleLabeler rival =
        OracleLabeler.start(
            settings(prefix, group, "rival"), oracle(List.of("t-slow"), "ham"), l -> {});
    Run run;
    try {
      // The point of the test: the person's think time outlasts the lock, so it must pass.
      Thread.sleep(LOCK.multipliedBy(3).toMillis());
      typing.write("1\n".getBytes(StandardCharsets.UTF_8));
      typing.close();
      run = session.get();
    } finally {
      rival.stop();
    }
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("labelled 't-slow' as spam").doesNotContain("expired");
    assertThat(readLabels(prefix).get("t-slow"))
        .extracting(Label::getLabeler)
        .containsExactly("alice");
    assertThat(rival.answered()).isZero();
  }

  @Test
  void oracleCommandAnswersFromADatasetAndRejectsWhatItCannotAnswer() throws Exception {
    String prefix = topics();
    Path answers = Files.createTempFile("oracle-answers-", ".jsonl");
    Files.write(answers, ANSWERS);
    List<String> lines = ANSWERS;
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, String> truth = new HashMap<>();
    List<String> spamHam = List.of("spam", "ham");
    for (String line : lines.subList(0, 4)) {
      var node = json.readTree(line);
      truth.put(node.get("id").asText(), node.get("label").asText());
      produce(prefix, request(node.get("id").asText(), node.get("text").asText(), spamHam));
    }
    // known text under another id: answered by text
    var byText = json.readTree(lines.get(4));
    truth.put("renamed-1", byText.get("label").asText());
    produce(prefix, request("renamed-1", byText.get("text").asText(), spamHam));
    // unknown id and text
    produce(prefix, request("nobody-knows", "a text that is in no dataset", spamHam));
    // known, but its label is not a class of this classifier
    var otherClasses = json.readTree(lines.get(5));
    produce(
        prefix,
        request(
            otherClasses.get("id").asText(),
            otherClasses.get("text").asText(),
            List.of("positive", "negative")));
    // not a label request at all
    it.send(
        Topics.LABELING_REQUESTS.name(prefix),
        "junk",
        "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));

    Run run =
        sieve(
            it.cliArgs(
                "oracle",
                "--answers",
                answers.toString(),
                "--group",
                "oracle-cmd",
                "--stop-when-idle",
                "10s"));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("answered 5 (0 wrong on purpose), rejected 2, unreadable 1");
    assertThat(run.err())
        .contains("no answer for content id 'nobody-knows' nor for its text")
        .contains("is not one of the classes of spam-filter [positive, negative]")
        .contains(
            "rejected the unreadable label request at " + Topics.LABELING_REQUESTS.name(prefix))
        .contains("BAD_MAGIC_BYTE");
    Map<String, List<Label>> labels = awaitLabels(prefix, 5);
    assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(truth.keySet());
    labels.forEach(
        (id, l) -> {
          assertThat(l).hasSize(1);
          assertThat(l.get(0).getLabel()).as(id).isEqualTo(truth.get(id));
          assertThat(l.get(0).getLabeler()).isEqualTo("oracle");
        });
  }

  // ---------------------------------------------------------------------------------------------

  record Run(int exit, String out, String err) {}

  /** The output of the last {@code label} run in progress, for tests that type while it runs. */
  private static volatile String lastOut = "";

  private Run label(String prefix, String group, String typed) {
    return label(
        prefix, group, new java.io.ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)));
  }

  private Run label(String prefix, String group, InputStream stdin) {
    CommandLine cli = SieveCli.commandLine();
    LabelCommand command = cli.getSubcommands().get("label").getCommand();
    command.input = stdin;
    String[] args =
        it.cliArgs(
            "label",
            "--labeler",
            "alice",
            "--group",
            group,
            "--lock-duration",
            LOCK.toMillis() + "ms");
    return execute(cli, args);
  }

  private static Run sieve(String... args) {
    return execute(SieveCli.commandLine(), args);
  }

  private static Run execute(CommandLine cli, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(
        new PrintWriter(out, true) {
          @Override
          public void flush() {
            super.flush();
            lastOut = out.toString();
          }
        });
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    System.out.println("$ sieve " + String.join(" ", args));
    System.out.print(out);
    System.out.print(err);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The labeling topics (one partition each, as the demo creates them) under the test's prefix. */
  private String topics() {
    String prefix = it.prefix();
    it.createTopics(1, Topics.LABELING_REQUESTS.name(prefix), Topics.LABELS.name(prefix));
    return prefix;
  }

  private QueueSettings settings(String prefix, String group, String labeler) {
    return QueueSettings.of(it.clientProperties(), prefix, labeler)
        .withGroup(group)
        .withLockDuration(LOCK);
  }

  private static Oracle oracle(List<String> ids, String label) {
    return new Oracle(
        OracleAnswers.of(
            ids.stream().map(id -> new OracleAnswers.Example(id, null, label)).toList()),
        0,
        1);
  }

  private static LabelRequest request(String id, String text, List<String> classes) {
    Map<String, Double> scores = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      scores.put(classes.get(i), i == 0 ? 0.55 : 0.45 / (classes.size() - 1));
    }
    return LabelRequest.newBuilder()
        .setContentId(id)
        .setClassifier("spam-filter")
        .setText(text)
        .setGuess(classes.get(0))
        .setConfidence(0.55)
        .setScores(scores)
        .setLabels(classes)
        .setModelVersion(3)
        .setStrategy("margin")
        .setSelectionScore(0.1)
        .setRandomShare(false)
        .setRequestedAtMs(System.currentTimeMillis())
        .build();
  }

  private void produce(String prefix, LabelRequest request) {
    produce(prefix, List.of(request));
  }

  /** Writes the requests, keyed by content id, and waits for every acknowledgement. */
  private void produce(String prefix, List<LabelRequest> requests) {
    String topic = Topics.LABELING_REQUESTS.name(prefix);
    try {
      it.send(
          topic,
          requests.stream().map(LabelRequest::getContentId).toList(),
          requests.stream().map(r -> requestCodec.encode(topic, r)).toList());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitMembers(String group, int members) {
    Properties props = new Properties();
    props.put("bootstrap.servers", it.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions() // GroupIdNotFoundException until the first member joins
          .until(
              () -> {
                ShareGroupDescription d =
                    admin.describeShareGroups(List.of(group)).all().get().get(group);
                return d.members().size() == members
                    && d.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });
    }
  }

  private Map<String, List<Label>> awaitLabels(String prefix, int distinct) {
    return awaitLabels(prefix, distinct, Duration.ofSeconds(90));
  }

  /** Labels on the labels topic by content id, once at least {@code distinct} ids have one. */
  private Map<String, List<Label>> awaitLabels(String prefix, int distinct, Duration atMost) {
    Map<String, List<Label>> labels = new HashMap<>();
    Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              labels.clear();
              labels.putAll(readLabels(prefix));
              return labels.size() >= distinct;
            });
    return labels;
  }

  /** Every label on the labels topic now, by content id. */
  private Map<String, List<Label>> readLabels(String prefix) {
    Map<String, List<Label>> labels = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : it.readCommittedToEnd(Topics.LABELS.name(prefix))) {
      Label label = labelCodec.decode(r.value());
      labels.computeIfAbsent(label.getContentId(), k -> new ArrayList<>()).add(label);
    }
    labels.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return labels;
  }
}
