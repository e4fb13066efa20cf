package dev.sieve.learning.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.learning.training.OnnxHead;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.ExtractorCosts;
import dev.sieve.model.LexicalFeaturiser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Selection on two small synthetic sets embedded by the real int8 MiniLM network: one whose label
 * is one exact ticket number among random ones (a token the lexical extractor reads exactly), one
 * whose label is the meaning of a word used once (no vocabulary to learn, only the embedding
 * knows). Costs are given here, not measured.
 */
class CandidateSelectionTest {

  private static final EmbeddingModel NETWORK = EmbeddingModel.MINILM_L6_V2_Q;
  private static final String NET = NETWORK.id();
  private static EmbedderHandle embedder;

  private static final List<String> ANIMALS =
      List.of(
          "dog",
          "cat",
          "horse",
          "cow",
          "sheep",
          "goat",
          "pig",
          "lion",
          "tiger",
          "bear",
          "wolf",
          "fox",
          "rabbit",
          "deer",
          "elephant",
          "giraffe",
          "zebra",
          "monkey",
          "kangaroo",
          "koala",
          "panda",
          "squirrel",
          "mouse",
          "hamster",
          "camel",
          "donkey",
          "moose",
          "otter",
          "beaver",
          "hedgehog");
  private static final List<String> VEHICLES =
      List.of(
          "car",
          "truck",
          "bus",
          "bicycle",
          "motorcycle",
          "tractor",
          "van",
          "train",
          "tram",
          "taxi",
          "scooter",
          "ambulance",
          "limousine",
          "jeep",
          "lorry",
          "minivan",
          "airplane",
          "helicopter",
          "boat",
          "ship",
          "ferry",
          "yacht",
          "canoe",
          "kayak",
          "submarine",
          "rocket",
          "skateboard",
          "wagon",
          "forklift",
          "bulldozer");
  private static final List<String> TEMPLATES =
      List.of(
          "yesterday I saw a %s near the house",
          "there was a %s outside this morning",
          "my neighbour just got a new %s",
          "look at that %s over there");

  @BeforeAll
  static void load() throws Exception {
    embedder = dev.sieve.model.SharedEmbedders.acquire(NETWORK, EmbedderOptions.defaults());
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void anExactTokenIsLearntByTheLexicalExtractor() throws Exception {
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 90; i++) {
      String noun = (i % 2 == 0 ? ANIMALS : VEHICLES).get(i / 2 % 30);
      boolean flagged = i % 3 == 0;
      // one ticket number means flagged; every other text has a number of its own
      int number = flagged ? 4417 : 1000 + random.nextInt(9000);
      if (number == 4417) {
        number = flagged ? 4417 : 4418;
      }
      String text = String.format(TEMPLATES.get(i % 4), noun) + ", ticket " + number;
      texts.add(text);
      labels.add(flagged ? "flagged" : "clean");
    }
    CandidateSelection.Outcome outcome = select(texts, labels, 0);

    // the chosen head reads the lexical features (alone, or beside the embedding)
    assertThat(outcome.chosen().extractor()).startsWith("lexical");
    assertThat(outcome.features().needsFeaturiser()).isTrue();
    assertThat(outcome.chosen().macroF1()).isGreaterThan(0.95);
    // the network alone may learn the constant number too, but not better
    assertThat(best(outcome, NET)).isLessThanOrEqualTo(outcome.chosen().macroF1());
    // the exported head reads what the featuriser (from its bytes) computes
    LexicalFeaturiser served = LexicalFeaturiser.fromBytes(outcome.featuriser().toBytes());
    String text = "look at that tram over there, ticket 4417";
    float[] embedding =
        outcome.features().needsEmbedding() ? embedder.embed(List.of(text))[0] : null;
    assertThat(
            predict(
                outcome, List.of(outcome.features().assemble(served.features(text), embedding))))
        .isEqualTo("flagged");
  }

  @Test
  void meaningWithoutSharedWordsIsLearntFromTheEmbedding() throws Exception {
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      texts.add(String.format(TEMPLATES.get(i % 4), ANIMALS.get(i)));
      labels.add("animal");
      texts.add(String.format(TEMPLATES.get((i + 1) % 4), VEHICLES.get(i)));
      labels.add("vehicle");
    }
    CandidateSelection.Outcome outcome = select(texts, labels, 0);

    assertThat(outcome.features().needsEmbedding()).isTrue();
    assertThat(outcome.embeddingModelId()).isEqualTo(NET);
    assertThat(best(outcome, NET)).isGreaterThan(best(outcome, "lexical") + 0.2);
    float[] zebra = embedder.embed(List.of("there was a zebra outside this morning"))[0];
    String text = "there was a zebra outside this morning";
    assertThat(predict(outcome, List.of(outcome.row(text, zebra)))).isEqualTo("animal");
    // the table: every extractor x C (the hybrid also x lexical scale), one chosen, each row as
    // a version stores it
    assertThat(outcome.table())
        .hasSize(
            (2 + CandidateSelection.DEFAULT_LEXICAL_SCALES.size())
                * CandidateSelection.DEFAULT_C_GRID.size());
    assertThat(outcome.table()).filteredOn(CandidateSelection.Candidate::chosen).hasSize(1);
    assertThat(outcome.scores()).extracting(s -> s.getName()).contains(NET + "/lr-c10");
    assertThat(outcome.render())
        .contains("lexical+" + NET + "/lr-c1 ")
        .contains("lexical+" + NET + "/lr-c1-lex0.5 ")
        .contains("chosen");
    // C by log-loss within the winning extractor, the extractor by calibrated log-loss among each
    // extractor's kept row; every row's out-of-fold prediction is given
    CandidateSelection.Candidate chosen = outcome.chosen();
    assertThat(outcome.table())
        .filteredOn(c -> c.extractor().equals(chosen.extractor()))
        .allSatisfy(c -> assertThat(c.logLoss()).isGreaterThanOrEqualTo(chosen.logLoss()));
    for (String extractor : List.of("lexical", NET, "lexical+" + NET)) {
      CandidateSelection.Candidate kept =
          outcome.table().stream()
              .filter(c -> c.extractor().equals(extractor))
              .min(java.util.Comparator.comparingDouble(CandidateSelection.Candidate::logLoss))
              .orElseThrow();
      assertThat(kept.calibratedLogLoss())
          .isGreaterThanOrEqualTo(chosen.calibratedLogLoss())
          .isLessThanOrEqualTo(kept.logLoss() + 1e-9);
    }
    assertThat(outcome.outOfFold()).hasSize(texts.size());
    int right = 0;
    for (int i = 0; i < texts.size(); i++) {
      right += outcome.outOfFold()[i] == (labels.get(i).equals("animal") ? 0 : 1) ? 1 : 0;
    }
    assertThat((double) right / texts.size()).isCloseTo(chosen.macroF1(), within(0.1));
  }

  @Test
  void aThroughputBudgetExcludesTheSlowNetwork() throws Exception {
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      texts.add(String.format(TEMPLATES.get(i % 4), ANIMALS.get(i)));
      labels.add("animal");
      texts.add(String.format(TEMPLATES.get((i + 1) % 4), VEHICLES.get(i)));
      labels.add("vehicle");
    }
    // the network would win (previous test); at 1,000 events/s it is too slow
    CandidateSelection.Outcome outcome = select(texts, labels, 1000);

    assertThat(outcome.chosen().extractor()).isEqualTo("lexical");
    assertThat(outcome.table())
        .filteredOn(c -> c.extractor().contains(NET))
        .allSatisfy(c -> assertThat(c.withinBudget()).isFalse());
    assertThat(outcome.table())
        .filteredOn(c -> c.extractor().equals("lexical"))
        .allSatisfy(c -> assertThat(c.withinBudget()).isTrue());

    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    assertThatThrownBy(() -> select(texts, labels, 1_000_000, new PrintStream(progress, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no candidate extractor sustains 1000000 events/s");
    assertThat(progress.toString()).as("refused before any fold is trained").isEmpty();
  }

  @Test
  void candidateNamesSpellC() {
    assertThat(CandidateSelection.formatC(10)).isEqualTo("10");
    assertThat(CandidateSelection.formatC(0.1)).isEqualTo("0.1");
  }

  private static CandidateSelection.Outcome select(
      List<String> texts, List<String> labels, double minThroughput) throws Exception {
    return select(texts, labels, minThroughput, null);
  }

  private static CandidateSelection.Outcome select(
      List<String> texts, List<String> labels, double minThroughput, PrintStream progress)
      throws Exception {
    float[][] embeddings = embedder.embed(texts);
    Properties costs = new Properties();
    costs.setProperty("lexical", "20000");
    costs.setProperty(NET, "300");
    CandidateSelection.Settings settings =
        CandidateSelection.Settings.defaults()
            .withCosts(ExtractorCosts.of(costs))
            .withMinThroughput(minThroughput);
    return new CandidateSelection(settings)
        .select(
            new CandidateSelection.Input(texts, labels, List.of(), Map.of(NET, embeddings)),
            progress);
  }

  private static double best(CandidateSelection.Outcome outcome, String extractor) {
    return outcome.table().stream()
        .filter(c -> c.extractor().equals(extractor))
        .mapToDouble(CandidateSelection.Candidate::macroF1)
        .max()
        .orElseThrow();
  }

  private static String predict(CandidateSelection.Outcome outcome, List<float[]> rows) {
    try (OnnxHead head = new OnnxHead(outcome.head().labels(), outcome.onnx())) {
      int[] p = head.predict(rows.toArray(float[][]::new));
      return outcome.head().labels().get(p[0]);
    } catch (ai.onnxruntime.OrtException e) {
      throw new AssertionError(e);
    }
  }
}
