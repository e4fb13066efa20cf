package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.Retrainer;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sieve import} and {@code sieve export} against the embedded broker and registry: labels a
 * team already has become {@link LabelledExample}s on {@code sieve.labelled}, embedded by the
 * classifier's real network and keyed as active-learning-job keys them, bad lines are reported by
 * number and skipped, and an export gives them back.
 */
class ImportExportIT {

  private static final String KEY =
      dev.sieve.model.KeyPairFiles.throwaway().privateKey().toString();
  private static final ItStack IT = new ItStack("it-import", null);
  private static final String PREFIX = IT.prefix();
  private static final String LABELLED = Topics.LABELLED.name(PREFIX);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long GIVEN_LABELED_AT = 1_700_000_000_000L;

  @TempDir static Path dir;

  @BeforeAll
  static void topics() {
    IT.createTopics(TopicsCommand.newTopics(PREFIX, 2, (short) 1));
  }

  private static CommandValidationTest.Run sieve(String... args) {
    long start = System.nanoTime();
    CommandValidationTest.Run run = CommandValidationTest.run(IT.cliArgs(args));
    // the transcript doubles as the sample output in cli/README.md
    System.out.printf(
        "$ sieve %s   (%.1f s)%n",
        String.join(" ", args).replace(KEY, "***"), (System.nanoTime() - start) / 1e9);
    System.out.print(run.out().length() > 2_000 ? run.out().substring(0, 2_000) : run.out());
    System.out.print(run.err());
    return run;
  }

  @Test
  void importsLabelsAsTrainableExamplesAndExportsThemBack() throws Exception {
    create("spam", "spam,ham");
    create("lang", "en,fr");

    // 200 good lines, six bad ones and a blank line (ignored) mixed in, one not UTF-8 at the end
    Map<String, String[]> good = new LinkedHashMap<>(); // id -> text, label
    List<String> lines = new ArrayList<>();
    Map<Integer, String> bad = new TreeMap<>(); // line number -> what the report must say
    for (int i = 0; i < 200; i++) {
      String id = i % 10 == 0 ? String.valueOf(1_000 + i) : "msg-" + i;
      boolean spam = i % 4 == 0;
      String text =
          spam
              ? "WIN a free cruise number " + i + "! Text CLAIM to 80080 before midnight."
              : "Hi, it's " + i + " past, are we still meeting for lunch by the station?";
      good.put(id, new String[] {text, spam ? "spam" : "ham"});
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("id", i % 10 == 0 ? (Object) Integer.valueOf(id) : id); // whole-number ids too
      line.put("text", text);
      line.put("label", spam ? "spam" : "ham");
      line.put("split", "train"); // the shared datasets' extra field is ignored
      if (i == 7) {
        line.put("labeledAtMs", GIVEN_LABELED_AT);
      }
      lines.add(JSON.writeValueAsString(line));
      switch (i) {
        case 20 -> lines.add("{\"id\": \"bad-1\", \"text\": \"cut off");
        case 40 -> lines.add("{\"id\": \"bad-2\", \"text\": \"who knows\"}");
        case 60 -> lines.add("{\"id\": \"bad-3\", \"text\": \"eggs\", \"label\": \"eggs\"}");
        case 80 ->
            lines.add(
                "{\"id\": \"" + "i".repeat(513) + "\", \"text\": \"x\", \"label\": \"spam\"}");
        case 100 ->
            lines.add(
                "{\"id\": \"bad-5\", \"text\": \""
                    + "y".repeat(20_001)
                    + "\", \"label\": \"ham\"}");
        case 120 -> lines.add("{\"id\": \"bad-6\", \"text\": \" \\t \", \"label\": \"ham\"}");
        case 140 -> lines.add("   ");
        default -> {}
      }
      if (i >= 20 && i <= 120 && i % 20 == 0) {
        bad.put(lines.size(), lines.get(lines.size() - 1));
      }
    }
    Path file = dir.resolve("labelled.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    Files.write(file, new byte[] {'{', (byte) 0xff, '}', '\n'}, StandardOpenOption.APPEND);
    List<Integer> badLines = List.copyOf(bad.keySet());

    CommandValidationTest.Run imported =
        sieve("import", "--classifier", "spam", "--file", file.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("imported=200 skipped=7 ");
    assertThat(imported.err())
        .contains("line " + badLines.get(0) + ": skipped: invalid JSON")
        .contains("line " + badLines.get(1) + ": skipped: no \"label\" string")
        .contains(
            "line "
                + badLines.get(2)
                + ": skipped: label 'eggs' is not one of the classifier's labels (spam, ham)")
        .contains(
            "line " + badLines.get(3) + ": skipped: the id has 513 characters, more than the cap")
        .contains(
            "line "
                + badLines.get(4)
                + ": skipped: the text has 20001 characters, more than the hard cap of 20000")
        .contains("line " + badLines.get(5) + ": skipped: the text is empty")
        .contains("line " + (lines.size() + 1) + ": skipped: not valid UTF-8");
    assertThat(imported.err().lines().filter(l -> l.contains(": skipped: "))).hasSize(7);

    // exactly 200 examples, keyed by content id, each with its label and a real embedding
    List<ConsumerRecord<byte[], byte[]>> records = IT.readCommittedToEnd(LABELLED);
    assertThat(records).hasSize(200);
    Map<String, LabelledExample> byId = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      LabelledExample e = IT.codec(LabelledExample.class).decode(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.getContentId());
      byId.put(e.getContentId(), e);
    }
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(good.keySet());
    EmbeddingModel model = EmbeddingModel.MINILM_L6_V2_Q;
    for (LabelledExample e : byId.values()) {
      assertThat(e.getClassifier()).isEqualTo("spam");
      assertThat(e.getText()).isEqualTo(good.get(e.getContentId())[0]);
      assertThat(e.getLabel()).isEqualTo(good.get(e.getContentId())[1]);
      // what retrain-trigger trains on: the champion's network, all of the vector
      assertThat(e.getEmbeddingModel()).isEqualTo(model.id());
      assertThat(e.getEmbedding()).hasSize(model.dimension());
      assertThat(e.getLabeler()).isEqualTo("import:labelled.jsonl");
      assertThat(e.getRandomShare()).isFalse();
    }
    assertThat(byId.get("msg-7").getLabeledAtMs()).isEqualTo(GIVEN_LABELED_AT);
    assertThat(byId.get("msg-8").getLabeledAtMs()).isGreaterThan(GIVEN_LABELED_AT);
    // the embeddings are the network's own for each text, as the inference job computes them
    try (EmbedderHandle embedder = SharedEmbedders.acquire(model, EmbedderOptions.defaults())) {
      for (String id : List.of("1000", "msg-1", "msg-7", "msg-199")) {
        float[] expected = embedder.embed(List.of(good.get(id)[0]))[0];
        List<Float> actual = byId.get(id).getEmbedding();
        for (int d = 0; d < expected.length; d++) {
          assertThat(actual.get(d)).isCloseTo(expected[d], within(1e-5f));
        }
      }
    }
    assertThat(byId.get("msg-1").getEmbedding()).isNotEqualTo(byId.get("msg-4").getEmbedding());
    trainsAsRetrainTriggerWould(byId.values());

    // another classifier's labels stay out of this one's export
    Path lang = dir.resolve("lang.jsonl");
    Files.writeString(
        lang,
        "{\"id\":\"l1\",\"text\":\"Bonjour à tous\",\"label\":\"fr\"}\n"
            + "{\"id\":\"l2\",\"text\":\"Good morning everyone\",\"label\":\"en\"}\n");
    assertThat(sieve("import", "--classifier", "lang", "--file", lang.toString()).out())
        .startsWith("imported=2 skipped=0 ");

    Path out = dir.resolve("spam-export.jsonl");
    CommandValidationTest.Run exported =
        sieve("export", "--classifier", "spam", "--out", out.toString());
    assertThat(exported.exit()).as(exported.err()).isZero();
    assertThat(exported.out()).startsWith("exported=200 records=202 undecodable=0 ");
    assertThat(Files.exists(dir.resolve("spam-export.jsonl.part"))).isFalse();
    List<String> exportedLines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(exportedLines).hasSize(200);
    Map<String, List<String>> roundTrip = new LinkedHashMap<>();
    for (String line : exportedLines) {
      JsonNode node = JSON.readTree(line);
      assertThat(node.get("labeler").asText()).isEqualTo("import:labelled.jsonl");
      assertThat(node.get("labeledAtMs").asLong())
          .isEqualTo(byId.get(node.get("id").asText()).getLabeledAtMs());
      roundTrip.put(
          node.get("id").asText(), List.of(node.get("text").asText(), node.get("label").asText()));
    }
    assertThat(roundTrip)
        .isEqualTo(
            good.entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey, g -> List.of(g.getValue()[0], g.getValue()[1]))));

    // to stdout: only the examples there, the summary on stderr
    CommandValidationTest.Run toStdout = sieve("export", "--classifier", "lang");
    assertThat(toStdout.exit()).as(toStdout.err()).isZero();
    assertThat(toStdout.out().lines().map(ImportExportIT::id))
        .containsExactlyInAnyOrder("l1", "l2");
    assertThat(toStdout.err()).contains("exported=2 records=202 undecodable=0 ");

    // an exported file imports as it is, keeping the labeling times
    CommandValidationTest.Run again =
        sieve("import", "--classifier", "spam", "--file", out.toString());
    assertThat(again.out()).startsWith("imported=200 skipped=0 ");
    List<LabelledExample> reimported =
        IT.readCommittedToEnd(LABELLED).stream()
            .map(r -> IT.codec(LabelledExample.class).decode(r.value()))
            .filter(e -> e.getLabeler().equals("import:spam-export.jsonl"))
            .toList();
    assertThat(reimported).hasSize(200);
    assertThat(reimported)
        .allSatisfy(
            e ->
                assertThat(e.getLabeledAtMs())
                    .isEqualTo(byId.get(e.getContentId()).getLabeledAtMs()));
  }

  @Test
  void refusesAClassifierThatDoesNotExist() throws Exception {
    Path file = dir.resolve("one.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"text\":\"hello\",\"label\":\"x\"}\n");
    CommandValidationTest.Run run =
        sieve("import", "--classifier", "nobody", "--file", file.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo(
            "sieve import: classifier 'nobody' has no version on "
                + PREFIX
                + "models (declare it first: sieve classifier create nobody --labels a,b)");
  }

  /**
   * The training set retrain-trigger builds (LabelledExamples.trainingSet: the champion's label
   * order, only the examples embedded by its network) holds every imported example, and its own
   * training code learns the two classes from them.
   */
  private static void trainsAsRetrainTriggerWould(Collection<LabelledExample> examples) {
    ModelVersion champion;
    try (SieveClients clients = new SieveClients(IT.clientProperties(), PREFIX)) {
      champion = clients.readModels(new PrintWriter(new StringWriter())).latest("spam").get();
    }
    LabelledSet.Builder builder = LabelledSet.builder().labelOrder(champion.getLabels());
    for (LabelledExample e : examples) {
      if (e.getEmbeddingModel().equals(champion.getEmbeddingModelId())) {
        builder.add(e);
      }
    }
    LabelledSet set = builder.build();
    assertThat(set.size()).isEqualTo(200);
    assertThat(set.labelOrder()).containsExactly("spam", "ham");
    Retrainer.Outcome trained = Retrainer.defaults().retrain(set, null);
    System.out.printf(
        "trained on the imported examples: %d-fold CV accuracy %.3f, macro-F1 %.3f%n",
        trained.folds(),
        trained.challenger().pooled().accuracy(),
        trained.challenger().pooled().macroF1());
    assertThat(trained.challenger().pooled().accuracy()).isGreaterThanOrEqualTo(0.95);
    assertThat(trained.head()).isNotNull();
  }

  private static String id(String jsonLine) {
    try {
      return JSON.readTree(jsonLine).get("id").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void create(String name, String labels) {
    CommandValidationTest.Run created =
        sieve("classifier", "create", name, "--labels", labels, "--signing-key-file", KEY);
    assertThat(created.exit()).as(created.err()).isZero();
  }
}
