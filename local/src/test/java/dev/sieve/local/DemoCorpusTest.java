package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.Retrainer;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the demo promises a user, measured on the bundled corpus with the real model: version 0
 * (zero-shot, from the label descriptions) is clearly imperfect, so a hundred labels visibly help;
 * the shift in phase 2 hurts the phase-1 model and moves what drift detectors watch; and phase-2
 * labels recover. Heads are trained the way the retrain job trains them ({@link Retrainer}:
 * cross-validated settings, ONNX export checked) and scored by their exported ONNX bytes, as the
 * inference job runs them. "Labelled" means the first messages in stream order, as an oracle
 * labeler answering in arrival order would give them; every accuracy is on messages no head was
 * trained on. Prints the figures; training is seeded, so they are the same on every run.
 */
class DemoCorpusTest {

  /** Labels per phase in the retraining scenarios: a short labelling session. */
  private static final int LABELLED = 100;

  private static final SigningKey KEY = SigningKey.generate();

  private static DemoCorpus corpus;
  private static List<Integer> phase1;
  private static List<Integer> phase2;
  private static float[][] embeddings;
  private static float[][] zeroShot;
  private static float[][] phase1Head;
  private static float[][] retrainedHead;

  @BeforeAll
  static void measure() throws Exception {
    corpus = DemoCorpus.load();
    phase1 = indices(DemoCorpus.BEFORE_SHIFT);
    phase2 = indices(DemoCorpus.AFTER_SHIFT);
    try (EmbedderHandle embedder = SharedEmbedders.acquire()) {
      embeddings = embedder.embed(corpus.items().stream().map(DemoCorpus.Item::text).toList());
      byte[] v0 =
          ModelVersions.headBytes(
              ModelVersions.zeroShot(
                  "topic", 0, DemoCorpus.LABELS, DemoCorpus.DESCRIPTIONS, embedder, KEY));
      zeroShot = score(v0);
    }
    phase1Head = train(phase1.subList(0, LABELLED));
    retrainedHead = train(concat(phase1.subList(0, LABELLED), phase2.subList(0, LABELLED)));
    printFigures();
  }

  @Test
  void streamsAWebShopThenASmartHomeShiftWithAnotherClassMix() {
    List<DemoCorpus.Item> items = corpus.items();
    assertThat(phase1).hasSizeBetween(650, 750);
    assertThat(phase2).hasSizeBetween(500, 600); // a full 500-event drift window after the shift
    assertThat(phase1.get(phase1.size() - 1)).isLessThan(phase2.get(0)); // the shift comes once
    assertThat(items)
        .extracting(DemoCorpus.Item::id)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, items.size())
                .mapToObj(i -> String.format(Locale.ROOT, "demo-%05d", i))
                .toList());
    assertThat(items.stream().map(DemoCorpus.Item::text).distinct()).hasSameSizeAs(items);
    assertThat(items).allSatisfy(i -> assertThat(DemoCorpus.LABELS).contains(i.label()));
    assertThat(items).allSatisfy(i -> assertThat(words(i.text())).isBetween(3, 45));
    assertThat(items.stream().mapToInt(i -> words(i.text())).max().orElseThrow())
        .isGreaterThanOrEqualTo(30);

    Map<String, Double> before = shares(phase1);
    Map<String, Double> after = shares(phase2);
    assertThat(before.values()).allSatisfy(share -> assertThat(share).isBetween(0.2, 0.3));
    assertThat(after.get("bug")).isGreaterThan(0.4);
    assertThat(after.get("billing")).isBetween(0.2, 0.3);
    assertThat(after.get("shipping")).isLessThan(0.2);
    assertThat(after.get("praise")).isLessThan(0.2);
  }

  @Test
  void aHundredLabelsBeatTheZeroShotVersionBeforeTheShift() {
    List<Integer> unlabelled = phase1.subList(LABELLED, phase1.size());
    assertThat(accuracy(zeroShot, phase1)).isBetween(0.6, 0.85);
    assertThat(accuracy(phase1Head, unlabelled))
        .isGreaterThanOrEqualTo(accuracy(zeroShot, unlabelled) + 0.05);
  }

  @Test
  void theShiftHurtsThePhaseOneModelAndMovesWhatDriftDetectorsWatch() {
    List<Integer> unlabelled = phase1.subList(LABELLED, phase1.size());
    assertThat(accuracy(phase1Head, phase2))
        .isLessThanOrEqualTo(accuracy(phase1Head, unlabelled) - 0.05);
    assertThat(meanConfidence(phase1Head, phase2))
        .isLessThanOrEqualTo(meanConfidence(phase1Head, unlabelled) - 0.05);
    assertThat(meanConfidence(zeroShot, phase2))
        .isLessThanOrEqualTo(meanConfidence(zeroShot, phase1) - 0.05);

    // The centroid-shift detector alerts above a cosine distance of 0.05 by default: the two halves
    // of phase 1 must stay well under it (no false alarm), the two phases well over it.
    int half = phase1.size() / 2;
    double withinPhase1 = centroidDistance(phase1.subList(0, half), phase1.subList(half, 2 * half));
    assertThat(withinPhase1).isLessThan(0.03);
    assertThat(centroidDistance(phase1, phase2)).isGreaterThan(0.15);
  }

  @Test
  void phaseTwoLabelsRecoverAfterTheShift() {
    List<Integer> unlabelled = phase2.subList(LABELLED, phase2.size());
    assertThat(accuracy(retrainedHead, unlabelled))
        .isGreaterThanOrEqualTo(accuracy(phase1Head, unlabelled) + 0.05)
        .isGreaterThanOrEqualTo(accuracy(zeroShot, unlabelled) + 0.1);
  }

  private static void printFigures() throws OrtException {
    List<Integer> rest1 = phase1.subList(LABELLED, phase1.size());
    List<Integer> rest2 = phase2.subList(LABELLED, phase2.size());
    StringBuilder out = new StringBuilder("demo corpus, measured with the real model\n");
    out.append(String.format(Locale.ROOT, "  phase 1: %s%n", counts(phase1)));
    out.append(String.format(Locale.ROOT, "  phase 2: %s%n", counts(phase2)));
    WordCounts lengths = WordCounts.of(corpus.items());
    out.append(
        String.format(
            Locale.ROOT,
            "  words per message: min %d, median %d, max %d; %d unique ids, %d unique texts%n",
            lengths.min(),
            lengths.median(),
            lengths.max(),
            corpus.items().stream().map(DemoCorpus.Item::id).distinct().count(),
            corpus.items().stream().map(DemoCorpus.Item::text).distinct().count()));
    out.append(
        String.format(
            Locale.ROOT,
            "  v0 zero-shot:                   phase 1 %.3f, phase 2 %.3f (mean confidence %.3f ->"
                + " %.3f)%n",
            accuracy(zeroShot, phase1),
            accuracy(zeroShot, phase2),
            meanConfidence(zeroShot, phase1),
            meanConfidence(zeroShot, phase2)));
    out.append(
        String.format(
            Locale.ROOT,
            "  head on %d phase-1 labels:      rest of phase 1 %.3f (v0 %.3f), phase 2 %.3f (mean"
                + " confidence %.3f -> %.3f)%n",
            LABELLED,
            accuracy(phase1Head, rest1),
            accuracy(zeroShot, rest1),
            accuracy(phase1Head, phase2),
            meanConfidence(phase1Head, rest1),
            meanConfidence(phase1Head, phase2)));
    out.append(
        String.format(
            Locale.ROOT,
            "  head on %d + %d phase-2 labels: rest of phase 2 %.3f (phase-1 head %.3f, v0 %.3f)%n",
            LABELLED,
            LABELLED,
            accuracy(retrainedHead, rest2),
            accuracy(phase1Head, rest2),
            accuracy(zeroShot, rest2)));
    out.append(
        String.format(
            Locale.ROOT,
            "  embedding centroid distance: phase 1 vs phase 2 %.4f, phase 1 halves %.4f%n",
            centroidDistance(phase1, phase2),
            centroidDistance(
                phase1.subList(0, phase1.size() / 2),
                phase1.subList(phase1.size() / 2, phase1.size()))));
    out.append("  labels needed to beat v0 on the rest of phase 1:");
    for (int n : new int[] {10, 20, 30, 40, 60}) {
      double accuracy = accuracy(train(phase1.subList(0, n)), rest1);
      out.append(String.format(Locale.ROOT, " %d -> %.3f", n, accuracy));
    }
    System.out.println(out.append('\n'));
  }

  private static List<Integer> indices(int phase) {
    List<DemoCorpus.Item> items = corpus.items();
    return IntStream.range(0, items.size())
        .filter(i -> items.get(i).phase() == phase)
        .boxed()
        .toList();
  }

  private static float[][] train(List<Integer> labelled) throws OrtException {
    LabelledSet.Builder set = LabelledSet.builder().labelOrder(DemoCorpus.LABELS);
    for (int i : labelled) {
      DemoCorpus.Item item = corpus.items().get(i);
      set.add(item.id(), item.label(), embeddings[i]);
    }
    Retrainer.Outcome outcome = Retrainer.defaults().retrain(set.build(), null);
    return score(outcome.head().onnx());
  }

  private static float[][] score(byte[] onnxHead) throws OrtException {
    try (HeadRunner head = new HeadRunner(onnxHead)) {
      return head.predict(embeddings);
    }
  }

  private static double accuracy(float[][] probabilities, List<Integer> rows) {
    long right =
        rows.stream()
            .filter(
                i ->
                    DemoCorpus.LABELS
                        .get(argmax(probabilities[i]))
                        .equals(corpus.items().get(i).label()))
            .count();
    return (double) right / rows.size();
  }

  private static double meanConfidence(float[][] probabilities, List<Integer> rows) {
    return rows.stream()
        .mapToDouble(i -> probabilities[i][argmax(probabilities[i])])
        .average()
        .orElseThrow();
  }

  /** {@code 1 - cos} between the mean embeddings, as the demo's centroid-shift detector sees it. */
  private static double centroidDistance(List<Integer> a, List<Integer> b) {
    double[] ma = mean(a);
    double[] mb = mean(b);
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int j = 0; j < ma.length; j++) {
      dot += ma[j] * mb[j];
      na += ma[j] * ma[j];
      nb += mb[j] * mb[j];
    }
    return 1 - dot / Math.sqrt(na * nb);
  }

  private static double[] mean(List<Integer> rows) {
    double[] sum = new double[embeddings[0].length];
    for (int i : rows) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += embeddings[i][j] / rows.size();
      }
    }
    return sum;
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }

  private static Map<String, Double> shares(List<Integer> rows) {
    return rows.stream()
        .collect(
            Collectors.groupingBy(
                i -> corpus.items().get(i).label(),
                Collectors.collectingAndThen(
                    Collectors.counting(), n -> (double) n / rows.size())));
  }

  private static String counts(List<Integer> rows) {
    Map<String, Long> byLabel =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    i -> corpus.items().get(i).label(), TreeMap::new, Collectors.counting()));
    return rows.size() + " messages " + byLabel;
  }

  private static int words(String text) {
    return text.trim().split("\\s+").length;
  }

  private static List<Integer> concat(List<Integer> a, List<Integer> b) {
    List<Integer> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Length spread of the messages, in words. */
  private record WordCounts(int min, int median, int max) {
    static WordCounts of(List<DemoCorpus.Item> items) {
      int[] sorted = items.stream().mapToInt(i -> words(i.text())).sorted().toArray();
      return new WordCounts(sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }
  }
}
