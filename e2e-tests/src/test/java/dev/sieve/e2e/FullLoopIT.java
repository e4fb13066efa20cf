package dev.sieve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sieve.cli.TopicsCommand;
import dev.sieve.cli.label.Oracle;
import dev.sieve.cli.label.OracleAnswers;
import dev.sieve.cli.label.OracleLabeler;
import dev.sieve.cli.label.QueueSettings;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.local.DemoJobs;
import dev.sieve.local.DemoProgress;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.FlinkTestCluster;
import dev.sieve.testkit.ItStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole loop on the embedded stack, wired exactly as {@code sieve demo} wires it ({@link
 * DemoJobs}): events → ingest → predictions by the zero-shot version 0 → label requests on the
 * share-group queue → an oracle labeler's answers → labelled examples joined with embeddings →
 * retraining → a new signed version → hot swap in the running inference job → predictions by the
 * new version, whose accuracy on a held-back slice of the demo corpus (never streamed before, never
 * labelled) beats version 0's.
 */
class FullLoopIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final String CLASSIFIER = "topic";

  /**
   * Enough phase-1 events for the active-learning job to ask for the 100 labels a retrain needs.
   */
  private static final int STREAMED = 600;

  private static final int HOLD_BACK_EVERY = 6;
  private static final Duration DEADLINE = Duration.ofMinutes(4);

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS, DemoJobs.SLOTS);

  private final ItStack it = new ItStack("it-full", METRICS);
  private final String prefix = it.prefix();

  @Test
  void labelsFromTheQueueRetrainAndTheSwappedVersionBeatsVersionZeroOnAHeldBackSlice()
      throws Exception {
    DemoCorpus corpus = DemoCorpus.load();
    List<DemoCorpus.Item> phase1 = corpus.phase(DemoCorpus.BEFORE_SHIFT);
    List<DemoCorpus.Item> streamed = new ArrayList<>();
    List<DemoCorpus.Item> heldBack = new ArrayList<>();
    for (int i = 0; i < STREAMED + STREAMED / HOLD_BACK_EVERY && i < phase1.size(); i++) {
      (i % HOLD_BACK_EVERY == 0 ? heldBack : streamed).add(phase1.get(i));
    }
    List<String> heldBackIds = heldBack.stream().map(DemoCorpus.Item::id).toList();

    it.createTopics(TopicsCommand.newTopics(prefix, 2, (short) 1));
    List<JobClient> jobs = new ArrayList<>();
    List<String> oracleProblems = new CopyOnWriteArrayList<>();
    try (EmbedderHandle embedder = SharedEmbedders.acquire();
        DemoProgress progress =
            new DemoProgress(it.bootstrapServers(), it.registry(), corpus.labels(), prefix)) {
      ModelVersion v0 =
          ModelVersions.zeroShot(
              CLASSIFIER,
              0,
              DemoCorpus.LABELS,
              DemoCorpus.DESCRIPTIONS,
              embedder,
              KEYS.signingKey());
      String models = Topics.MODELS.name(prefix);
      it.send(models, CLASSIFIER, it.codec(ModelVersion.class).encode(models, v0));

      for (var job :
          DemoJobs.define(null, it.bootstrapServers(), it.registryUrl(), prefix, KEYS).entrySet()) {
        jobs.add(job.getValue().executeAsync(job.getKey()));
      }
      JobClient inference = jobs.get(1);

      try (OracleLabeler oracle =
          OracleLabeler.start(
              QueueSettings.of(it.clientProperties(), prefix, OracleLabeler.DEFAULT_NAME),
              new Oracle(
                  OracleAnswers.of(
                      corpus.items().stream()
                          .map(i -> new OracleAnswers.Example(i.id(), i.text(), i.label()))
                          .toList()),
                  0,
                  42),
              oracleProblems::add)) {
        send(streamed);

        // Requests are asked and answered, a retraining publishes version 1 (signed), and the
        // inference job swaps it in on both subtasks.
        await("a retrained version serving on every inference subtask")
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(200))
            .failFast("a job ended", () -> anyEnded(jobs))
            .until(
                () -> {
                  progress.poll(Duration.ofMillis(200));
                  List<Object> serving =
                      it.gauges(
                          inference.getJobID(),
                          ".sieve.classifier." + CLASSIFIER + ".modelVersion");
                  return serving.size() == 2
                      && serving.stream().allMatch(v -> v instanceof Integer n && n >= 1);
                });
        assertThat(progress.requests()).as("label requests asked").isPositive();
        assertThat(progress.labels()).as("labels answered by the oracle").isPositive();
        assertThat(progress.labelled()).as("labels joined with content").isPositive();
        assertThat(oracle.answered()).isPositive();
        assertThat(progress.versions()).containsKey(1);
        DemoProgress.Version v1 = progress.versions().get(1);
        assertThat(v1.reason()).isNotEqualTo("zero-shot");
        assertThat(v1.trainingSize()).isGreaterThanOrEqualTo(100);
      }

      // The held-back slice, scored by the swapped-in version.
      send(heldBack);
      await("predictions for the held-back slice")
          .atMost(DEADLINE)
          .failFast("a job ended", () -> anyEnded(jobs))
          .until(
              () -> {
                progress.poll(Duration.ofMillis(200));
                return progress.predicted(heldBackIds);
              });
      assertThat(progress.versionOf(heldBackIds)).isGreaterThanOrEqualTo(1);
      double swapped = progress.accuracyOf(heldBackIds);
      double zeroShot = accuracy(v0, heldBack, embedder);
      System.out.printf(
          "FullLoopIT: %d streamed, %d requests, %d labels, versions %s; held-back slice of %d:"
              + " version 0 %.3f, version %d %.3f%n",
          streamed.size(),
          progress.requests(),
          progress.labels(),
          progress.versions().keySet(),
          heldBack.size(),
          zeroShot,
          progress.versionOf(heldBackIds),
          swapped);
      assertThat(swapped)
          .as("accuracy of the swapped-in version vs version 0")
          .isGreaterThan(zeroShot);
    } finally {
      for (JobClient job : jobs) {
        job.cancel().get();
      }
    }
  }

  /** Sends the items to the raw topic as Avro, as a user's app would. */
  private void send(List<DemoCorpus.Item> items) throws Exception {
    String topic = Topics.CONTENT_RAW.name(prefix);
    ConfluentAvroCodec<ContentEvent> codec = it.codec(ContentEvent.class);
    List<byte[]> values = new ArrayList<>();
    for (DemoCorpus.Item item : items) {
      ContentEvent event =
          ContentEvent.newBuilder().setId(item.id()).setText(item.text()).setSource("it").build();
      values.add(codec.encode(topic, event));
    }
    it.send(topic, items.stream().map(DemoCorpus.Item::id).toList(), values);
  }

  /** Version 0's accuracy on {@code items}, with its own ONNX head and the same embedder. */
  private static double accuracy(
      ModelVersion v0, List<DemoCorpus.Item> items, EmbedderHandle embedder) throws Exception {
    float[][] embeddings = embedder.embed(items.stream().map(DemoCorpus.Item::text).toList());
    try (HeadRunner head = new HeadRunner(ModelVersions.headBytes(v0))) {
      float[][] scores = head.predict(embeddings);
      int right = 0;
      for (int i = 0; i < items.size(); i++) {
        int best = 0;
        for (int c = 1; c < scores[i].length; c++) {
          best = scores[i][c] > scores[i][best] ? c : best;
        }
        right += v0.getLabels().get(best).equals(items.get(i).label()) ? 1 : 0;
      }
      return (double) right / items.size();
    }
  }

  private static boolean anyEnded(List<JobClient> jobs) {
    return jobs.stream().anyMatch(job -> ItStack.status(job).isGloballyTerminalState());
  }
}
