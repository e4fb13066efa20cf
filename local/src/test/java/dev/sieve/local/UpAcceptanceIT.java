package dev.sieve.local;

import static dev.sieve.local.UpHarness.awaitPredicted;
import static dev.sieve.local.UpHarness.modelVersions;
import static dev.sieve.local.UpHarness.predictions;
import static dev.sieve.local.UpHarness.readCommitted;
import static dev.sieve.local.UpHarness.resumedFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.cli.label.OracleAnswers;
import dev.sieve.cli.label.OracleLabeler;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.embedded.TempDirs;
import dev.sieve.local.UpHarness.Feed;
import dev.sieve.local.UpHarness.Up;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.functions.RetrainTrigger;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14's acceptance, as a user with a stream and labels of their own goes through it: {@code
 * up} → {@code classifier create} → {@code import} of 200 labelled examples → 3,000 events while an
 * oracle answers the label requests → the {@code up} process killed ({@code kill -9}) or stopped
 * with Ctrl-C mid-stream → {@code up} again → the rest. Every event is predicted exactly once, no
 * imported or answered label and no model version is lost, and a version retrain-trigger trained
 * (at its default of a retraining every 50 new labels) from the imported labels serves the later
 * events.
 */
@Tag("fault") // long: runs with -Pfaults (README, "Developing")
class UpAcceptanceIT {

  private static final String CLASSIFIER = "queue";

  /**
   * Queue codes: they mean nothing to the zero-shot version 0 (whose head compares texts with the
   * label names), so what the later events are classified by has to come from the labels.
   */
  private static final List<String> LABELS = List.of("q1", "q2", "q3", "q4");

  /** Per queue: a support desk's billing, delivery, app-bug and praise messages. */
  private static final List<List<String>> TEMPLATES =
      List.of(
          List.of(
              "I was charged twice for order %d, please refund the second payment",
              "my invoice %d shows the wrong VAT amount",
              "the credit card payment for my subscription failed again, reference %d",
              "why did my monthly bill go up to %d euros",
              "please send me a receipt for payment %d",
              "I need a refund for the duplicate charge of %d dollars on my account"),
          List.of(
              "my parcel %d has not arrived after two weeks",
              "the courier left package %d at the wrong address",
              "tracking number %d has not updated since Monday",
              "the delivery van never came, where is my order %d",
              "the box of order %d arrived crushed and the parcel was opened",
              "can you ship order %d to my office instead of my home"),
          List.of(
              "the app crashes every time I open the settings screen on build %d",
              "error %d when I try to log in on my Android phone",
              "the page freezes after I press the save button, version %d",
              "sync stopped working after the last update, build %d",
              "the search returns a blank screen since release %d",
              "push notifications arrive twice since update %d"),
          List.of(
              "thank you, the support team was wonderful, ticket %d",
              "great service, I love how fast you answered my question %d",
              "fantastic product, my family enjoys it every day, %d stars would not be enough",
              "best purchase of the year, thank you for order %d",
              "your agent number %d was so kind and helpful",
              "really happy with the quality, thanks a lot for gift %d"));

  private static final int IMPORTED = 200;
  private static final int EVENTS = 3_000;

  /** The events after this many come after the restart, served by a trained version. */
  private static final int LATER = 2_500;

  private static final Duration DEADLINE = Duration.ofMinutes(6);

  enum Stop {
    KILL_9,
    CTRL_C
  }

  private final UpHarness harness = new UpHarness("UpAcceptanceIT");
  private final Path files = TempDirs.create("sieve-up-acceptance-");
  private OracleLabeler oracle;

  @AfterEach
  void cleanUp() {
    if (oracle != null) {
      oracle.stop();
    }
    harness.close();
    TempDirs.deleteQuietly(files);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Stop.class)
  void importedLabelsTrainTheServingVersionAndNothingIsLostAcrossAStop(Stop stop) throws Exception {
    long t0 = System.nanoTime();
    String test = "UpAcceptanceIT " + stop;
    Up first = harness.startUp();
    UpDownIT.assertEveryListenerOnLoopback(harness.dataDir, first, harness.portBase);
    String settings = harness.settings().toString();
    Properties props = harness.settingsProperties();
    String bootstrap = props.getProperty("bootstrap.servers");
    String registryUrl = props.getProperty("schema.registry.url");
    assertThat(
            Sieve.commandLine()
                .execute(
                    "classifier",
                    "create",
                    CLASSIFIER,
                    "--labels",
                    String.join(",", LABELS),
                    "--config",
                    settings))
        .isZero();

    Map<String, String[]> imported = examples("imported-", IMPORTED, new Random(1));
    Path file = files.resolve("labelled.jsonl");
    Files.write(file, jsonLines(imported), StandardCharsets.UTF_8);
    assertThat(
            Sieve.commandLine()
                .execute(
                    "import",
                    "--classifier",
                    CLASSIFIER,
                    "--file",
                    file.toString(),
                    "--no-progress",
                    "--config",
                    settings))
        .isZero();
    ModelVersion trained =
        await("a version trained on the imported labels")
            .atMost(DEADLINE)
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    modelVersions(bootstrap, registryUrl, CLASSIFIER).stream()
                        .filter(v -> v.getVersion() >= 1)
                        .findFirst()
                        .orElse(null),
                v -> v != null);
    assertThat(trained.getReason()).startsWith(RetrainTrigger.NEW_LABELS_TRIGGER);
    assertThat(trained.getMetrics().getTrainingSize())
        .isGreaterThanOrEqualTo(RetrainConfig.DEFAULT_RETRAIN_EVERY);
    UpHarness.phase(test, "up, classifier, 200 imported, version " + trained.getVersion(), t0);

    Map<String, String[]> events = examples("event-", EVENTS, new Random(2));
    oracle =
        DemoCommand.startOracleFor(
            Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registryUrl),
            events.entrySet().stream()
                .map(e -> new OracleAnswers.Example(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList(),
            test);
    Feed feed =
        Feed.start(bootstrap, "event-", EVENTS, Duration.ofMillis(15), id -> events.get(id)[0]);
    await("a prediction of a trained version")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                predictions(bootstrap, registryUrl, CLASSIFIER).values().stream()
                    .flatMap(List::stream)
                    .anyMatch(p -> p.getModelVersion() >= 1));
    int sentAtStop = feed.acknowledged.get();
    if (stop == Stop.KILL_9) {
      first.process().destroyForcibly().waitFor();
    } else {
      first.interrupt();
      assertThat(first.process().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(first.process().exitValue()).isZero();
    }
    assertThat(sentAtStop).as("events acknowledged when stopped").isLessThan(LATER);
    UpHarness.phase(test, "stopped after " + sentAtStop + " events acknowledged", t0);

    Up second = harness.startUp();
    assertThat(second.log())
        .containsPattern(resumedFrom(stop == Stop.KILL_9 ? "checkpoints" : "savepoints"));
    feed.finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(feed.failures).isEmpty();
    Map<String, List<Prediction>> predicted =
        awaitPredicted(bootstrap, registryUrl, CLASSIFIER, feed.ids, DEADLINE);
    oracle.stop();
    UpHarness.phase(test, "up again, " + EVENTS + " events predicted", t0);

    assertThat(predicted.keySet()).containsExactlyInAnyOrderElementsOf(feed.ids);
    assertThat(predicted.values())
        .as("predictions per event and classifier")
        .allSatisfy(p -> assertThat(p).hasSize(1));

    Set<String> labelledIds = awaitEveryLabelLabelled(bootstrap, registryUrl, imported.keySet());
    assertThat(labelledIds).containsAll(imported.keySet());
    assertThat(oracle.answered()).as("requests the oracle answered").isPositive();

    List<ModelVersion> versions = modelVersions(bootstrap, registryUrl, CLASSIFIER);
    List<Integer> numbers = versions.stream().map(ModelVersion::getVersion).toList();
    assertThat(numbers)
        .as("every version once, none missing")
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(0, Collections.max(numbers)).boxed().toList());
    Map<Integer, ModelVersion> byNumber =
        versions.stream().collect(Collectors.toMap(ModelVersion::getVersion, v -> v));
    List<Prediction> later =
        feed.ids.subList(LATER, EVENTS).stream().map(id -> predicted.get(id).get(0)).toList();
    assertThat(later)
        .as("the later events are served by a version trained from labels")
        .allSatisfy(
            p -> {
              ModelVersion v = byNumber.get(p.getModelVersion());
              assertThat(v.getVersion()).isGreaterThanOrEqualTo(trained.getVersion());
              assertThat(v.getReason()).startsWith(RetrainTrigger.NEW_LABELS_TRIGGER);
            });
    long right =
        later.stream().filter(p -> p.getLabel().equals(events.get(p.getContentId())[1])).count();
    assertThat((double) right / later.size())
        .as("accuracy of the later events against their true queue")
        .isGreaterThan(0.8);
    UpHarness.phase(
        test,
        "labels: "
            + labelledIds.size()
            + " labelled ("
            + oracle.answered()
            + " answered), versions "
            + numbers,
        t0);

    assertThat(Sieve.commandLine().execute("down", "--data-dir", harness.dataDir.toString()))
        .isZero();
    // down returns once the process has exited; this JVM's Process object learns it from its own
    // reaper thread a moment later
    assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process().exitValue()).isZero();
  }

  /**
   * Waits until every imported example and every label on sieve.labels is a labelled example of the
   * classifier (read_committed), and the labels are at least what the oracle answered; returns the
   * labelled ids.
   */
  private Set<String> awaitEveryLabelLabelled(
      String bootstrap, String registryUrl, Set<String> imported) {
    RestSchemaRegistryClient registry = RestSchemaRegistryClient.forUrl(registryUrl);
    ConfluentAvroCodec<Label> labels = new ConfluentAvroCodec<>(registry, Label.class);
    ConfluentAvroCodec<LabelledExample> examples =
        new ConfluentAvroCodec<>(registry, LabelledExample.class);
    Set<String> labelled = new HashSet<>();
    await("every imported and answered label labelled")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              List<Label> answered =
                  readCommitted(bootstrap, Topics.LABELS.name(UpCommand.PREFIX)).stream()
                      .map(r -> labels.decode(r.value()))
                      .filter(l -> l.getClassifier().equals(CLASSIFIER))
                      .toList();
              labelled.clear();
              readCommitted(bootstrap, Topics.LABELLED.name(UpCommand.PREFIX)).stream()
                  .map(r -> examples.decode(r.value()))
                  .filter(e -> e.getClassifier().equals(CLASSIFIER))
                  .forEach(e -> labelled.add(e.getContentId()));
              return answered.size() >= oracle.answered()
                  && labelled.containsAll(imported)
                  && answered.stream().allMatch(l -> labelled.contains(l.getContentId()));
            });
    return labelled;
  }

  /** {@code n} examples {@code <prefix><i>}: id to {text, label}, the queues in turn. */
  private static Map<String, String[]> examples(String prefix, int n, Random random) {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int queue = i % LABELS.size();
      List<String> templates = TEMPLATES.get(queue);
      String text =
          String.format(
              templates.get(random.nextInt(templates.size())), 100 + random.nextInt(99_900));
      out.put(prefix + i, new String[] {text, LABELS.get(queue)});
    }
    return out;
  }

  private static List<String> jsonLines(Map<String, String[]> examples) {
    return examples.entrySet().stream()
        .map(
            e ->
                "{\"id\":\""
                    + e.getKey()
                    + "\",\"text\":\""
                    + e.getValue()[0]
                    + "\",\"label\":\""
                    + e.getValue()[1]
                    + "\"}")
        .toList();
  }
}
