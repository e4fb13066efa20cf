package dev.sieve.cli;

import static dev.sieve.cli.ModelFixtures.metrics;
import static dev.sieve.cli.ModelFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.model.ModelVersions;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.CandidateScore;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTablesTest {

  /** Reasons as retrain-trigger writes them (learning's TrainedVersions). */
  static final String FIRST_TRAINED =
      "new-labels: no champion yet; challenger macro-F1 0.8125 [epochs=10 lr=0.1 weighted=true"
          + " seed=42]";

  static final String DRIFT_DETAIL =
      "confidence-psi 0.9100 > 0.1500 after 1000 events of version 2 (reference 500, window 500)";
  static final String DRIFT_DECISION =
      "better: challenger macro-F1 0.9031 vs champion 0.8125 on the same folds (+0.0906, margin"
          + " 0.0100)";
  static final String DRIFT =
      "drift ("
          + DRIFT_DETAIL
          + "): "
          + DRIFT_DECISION
          + " [epochs=10 lr=0.1 weighted=true seed=42]";

  private final List<ModelVersion> versions =
      List.of(
          version(1, null, "zero-shot", null),
          version(2, 1, FIRST_TRAINED, metrics(0.9, 0.8125, 200)),
          version(3, 2, DRIFT, metrics(0.94, 0.9031, 1200)),
          version(4, 2, "rollback", metrics(0.9, 0.8125, 200)));

  @Test
  void versionsTableIsAlignedWithDeltasAndTheLatestMarked() {
    String table = ModelTables.versions("spam", versions, "sieve.models");
    assertThat(table)
        .isEqualTo(
            """
            classifier 'spam': 4 versions on sieve.models
                 VERSION  PARENT  REASON                                               CREATED (UTC)     TRAIN N  ACCURACY  MACRO-F1  dF1 VS PARENT
                       1       -  zero-shot                                            2023-11-14 22:14        -         -         -              -
                       2       1  new-labels -> published (first trained)              2023-11-14 22:15      200     0.900     0.813              -
                       3       2  drift: conf psi 0.91 > 0.15 -> published (+0.09 F1)  2023-11-14 22:16     1200     0.940     0.903         +0.091
              *        4       2  rollback to v2                                       2023-11-14 22:17      200     0.900     0.813         +0.000
              * latest version: the one the inference job serves
              REASON: trigger -> decision; models show <classifier> [<version>] prints it in full
              rejected challengers are on no topic: retrain-trigger logs each and counts it (notPublished)
            """);
  }

  @Test
  void everyLineIsFreeOfTrailingSpaces() {
    for (String line : ModelTables.versions("spam", versions, "t").split("\n")) {
      assertThat(line).doesNotEndWith(" ");
    }
  }

  @Test
  void showPrintsPerClassMetricsAndConfusionWithLabelHeaders() {
    String shown = ModelTables.show(versions.get(2), false, ModelFixtures.TRUSTED);
    assertThat(shown)
        .startsWith("classifier 'spam' version 3\n")
        .contains("  parent     2\n")
        .contains("  reason     drift: conf psi 0.91 > 0.15 -> published (+0.09 F1)\n")
        .contains("  trigger    drift: " + DRIFT_DETAIL + "\n")
        .contains("  decision   " + DRIFT_DECISION + "\n")
        .contains("  settings   epochs=10 lr=0.1 weighted=true seed=42\n")
        .contains("  full text  " + DRIFT + "\n")
        .contains("  labels     spam, ham\n")
        .contains("  embedding  all-minilm-l6-v2-q (sha256 0123456789ab...)\n")
        .contains("(matches the head)")
        .contains(
            "  signature  present, valid: key "
                + ModelFixtures.KEY.keyId()
                + " signed this whole version\n")
        .contains(
            "metrics: 5-fold cross-validation on 1200 examples: accuracy 0.940, macro-F1 0.903\n")
        .contains(
            """
              LABEL  PRECISION  RECALL     F1  SUPPORT
              spam       0.900   0.800  0.847       40
              ham        0.950   0.975  0.962      160
            """)
        .endsWith(
            """
            confusion matrix (rows: true label, columns: predicted label)
              true \\ predicted  spam  ham
              spam                32    8
              ham                  4  156
            """);
  }

  @Test
  void showPrintsWhatTheHeadReadsAndTheCandidateTable() {
    ModelVersion hybrid =
        ModelVersions.signed(
            ModelVersion.newBuilder(versions.get(2))
                .setFeatures("lexical+embedding")
                .setFeaturiser(ByteBuffer.wrap(new byte[1234]))
                .setCandidates(
                    List.of(
                        new CandidateScore(
                            "lexical+e5-small-v2-q+query/lr-c10", 0.9412, 310.0, true, true),
                        new CandidateScore(
                            "e5-small-v2-q+query/lr-c10", 0.9377, 320.0, true, false),
                        new CandidateScore("lexical/lr-c1", 0.9105, 0.0, false, false))),
            ModelFixtures.KEY);

    String shown = ModelTables.show(hybrid, true, ModelFixtures.TRUSTED);

    assertThat(shown)
        .contains("  features   lexical+embedding, lexical featuriser 1234 bytes (sha256 ")
        .contains("signed this whole version")
        .endsWith(
            """
            candidates (cross-validated on the same folds; cost: measured events/s per core)
              CANDIDATE                           MACRO-F1  EVENTS/S/CORE  BUDGET
              lexical+e5-small-v2-q+query/lr-c10     0.941            310  fits      chosen
              e5-small-v2-q+query/lr-c10             0.938            320  fits
              lexical/lr-c1                          0.911              -  too slow
            """);
  }

  @Test
  void showReportsZeroShotAndSignatureStates() {
    ModelVersion zeroShot = versions.get(0);
    assertThat(ModelTables.show(zeroShot, true, null))
        .startsWith("classifier 'spam' version 1 (latest: served)\n")
        .contains("(not checked: no trusted keys given)")
        .endsWith("metrics: none (a zero-shot version is not evaluated)\n");
    assertThat(ModelTables.show(zeroShot, true, SigningKey.generate().trusted()))
        .contains("which is NOT among the trusted keys");
    ModelVersion relabelled = ModelVersion.newBuilder(zeroShot).build();
    relabelled.setLabels(java.util.List.of("ham", "spam"));
    assertThat(ModelTables.show(relabelled, true, ModelFixtures.TRUSTED))
        .contains("present, INVALID: not key " + ModelFixtures.KEY.keyId());
    ModelVersion unsigned = ModelVersion.newBuilder(zeroShot).setSignature(null).build();
    assertThat(ModelTables.show(unsigned, true, ModelFixtures.TRUSTED))
        .contains("signature  missing");
    ModelVersion tampered =
        ModelVersion.newBuilder(zeroShot).setHead(ByteBuffer.wrap(new byte[] {1, 2})).build();
    assertThat(ModelTables.show(tampered, true, ModelFixtures.TRUSTED))
        .contains("DOES NOT MATCH the head")
        .contains("present, but the digest does not match the head");
  }

  @Test
  void deltaNeedsMetricsOnBothSides() {
    var byNumber = java.util.Map.of(1, versions.get(0), 2, versions.get(1), 3, versions.get(2));
    assertThat(ModelTables.delta(versions.get(0), byNumber)).isEqualTo("-");
    assertThat(ModelTables.delta(versions.get(1), byNumber)).isEqualTo("-"); // parent zero-shot
    assertThat(ModelTables.delta(versions.get(2), byNumber)).isEqualTo("+0.091");
    assertThat(ModelTables.delta(version(9, 7, "drift", metrics(0.5, 0.5, 10)), byNumber))
        .isEqualTo("-"); // parent no longer readable
  }
}
