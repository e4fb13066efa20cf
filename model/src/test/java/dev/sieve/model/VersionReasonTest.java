package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VersionReasonTest {

  private static final String SETTINGS = "epochs=10 lr=0.1 weighted=true seed=42";
  private static final String BETTER =
      "better: challenger macro-F1 0.8523 vs champion 0.8100 on the same folds (+0.0423, margin"
          + " 0.0100)";
  private static final String DRIFT_DETAIL =
      "confidence-psi 0.9100 > 0.7500 after 1000 events of version 1 (reference 500, window 500);"
          + " centroid-cosine 0.1420 > 0.0300 after 1000 events of version 1 (reference 500,"
          + " window 500)";

  @Test
  void aDriftRetrainingReadsAsTriggerFindingAndGain() {
    String text =
        VersionReason.trained(VersionReason.trigger("drift", DRIFT_DETAIL), BETTER, SETTINGS);
    VersionReason reason = VersionReason.parse(text);

    assertThat(reason.trigger()).isEqualTo("drift");
    assertThat(reason.detail()).isEqualTo(DRIFT_DETAIL);
    assertThat(reason.decision()).isEqualTo(BETTER);
    assertThat(reason.settings()).isEqualTo(SETTINGS);
    assertThat(reason.text()).isEqualTo(text);
    assertThat(reason.outcome()).isEqualTo("published");
    assertThat(reason.gain().getAsDouble()).isCloseTo(0.0423, within(1e-9));
    assertThat(reason.findings())
        .containsExactly("confidence-psi 0.91 > 0.75", "centroid-cosine 0.14 > 0.03");
    // two findings: the first in short, and how many more when the line has room for it
    assertThat(reason.summary(1))
        .isEqualTo("drift: conf psi 0.91 > 0.75 -> published (+0.04 F1)")
        .hasSizeLessThanOrEqualTo(VersionReason.SUMMARY_WIDTH);
    assertThat(reason.summary(1, 80))
        .isEqualTo("drift: conf psi 0.91 > 0.75 +1 -> published (+0.04 F1)");
    assertThat(reason.summary(1, 46)).isEqualTo("drift: conf psi 0.91 -> published (+0.04 F1)");
    assertThat(reason.summary(1, 40)).isEqualTo("drift: conf p... -> published (+0.04 F1)");
  }

  @Test
  void newLabelsAsRetrainTriggerWroteThemBeforeTheGrammarWasNamed() {
    // the exact shape of a version published by retrain-trigger before this class existed
    String old = "new-labels: " + BETTER + " [" + SETTINGS + "]";
    assertThat(VersionReason.parse(old).summary(0)).isEqualTo("new-labels -> published (+0.04 F1)");

    String first = "new-labels: no champion yet; challenger macro-F1 0.7000 [" + SETTINGS + "]";
    assertThat(VersionReason.parse(first).summary(0))
        .isEqualTo("new-labels -> published (first trained)");

    String relabelled =
        "new-labels: label set changed from [spam, ham] to [spam, ham, phishing] ["
            + SETTINGS
            + "]";
    VersionReason r = VersionReason.parse(relabelled);
    assertThat(r.decision())
        .isEqualTo("label set changed from [spam, ham] to [spam, ham, phishing]");
    assertThat(r.settings()).isEqualTo(SETTINGS);
    assertThat(r.summary(0)).isEqualTo("new-labels -> published (labels changed)");
  }

  @Test
  void aRejectedChallengerSaysSoWithItsLoss() {
    String text =
        VersionReason.trained(
            "new-labels",
            "not better: challenger macro-F1 0.8000 vs champion 0.8100 on the same folds (-0.0100,"
                + " margin 0.0100)",
            SETTINGS);
    VersionReason reason = VersionReason.parse(text);
    assertThat(reason.outcome()).isEqualTo("rejected");
    assertThat(reason.summary(2)).isEqualTo("new-labels -> rejected (-0.01 F1)");
  }

  @Test
  void aDecisionOnTheLabelsSinceTheChampionReadsTheSameWay() {
    String text =
        VersionReason.trained(
            "new-labels",
            "better: challenger macro-F1 0.9064 vs champion 0.6985 on the 100 labels since the"
                + " champion was trained (+0.2079, margin 0.0100)",
            "e5-small-v2-q+query/lr-c1");
    VersionReason reason = VersionReason.parse(text);
    assertThat(reason.outcome()).isEqualTo("published");
    assertThat(reason.gain().getAsDouble()).isCloseTo(0.2079, within(1e-9));
    assertThat(reason.summary(null)).isEqualTo("new-labels -> published (+0.21 F1)");
  }

  @Test
  void bareTriggersStayAsTheyAreAndARollbackNamesItsTarget() {
    assertThat(VersionReason.parse("zero-shot").summary(null)).isEqualTo("zero-shot");
    assertThat(VersionReason.parse("import").summary(null)).isEqualTo("import");
    assertThat(VersionReason.parse("rollback").summary(3)).isEqualTo("rollback to v3");
    assertThat(VersionReason.parse("rollback").summary(null)).isEqualTo("rollback");
    assertThat(VersionReason.parse("zero-shot").outcome()).isEmpty();
  }

  @Test
  void aManualRequestKeepsItsDetailEvenWithParenthesesOrColonsInIt() {
    String text =
        VersionReason.trained(VersionReason.trigger("manual", "fix: batch (2)"), BETTER, SETTINGS);
    VersionReason reason = VersionReason.parse(text);
    assertThat(reason.trigger()).isEqualTo("manual");
    assertThat(reason.detail()).isEqualTo("fix: batch (2)");
    assertThat(reason.summary(4)).isEqualTo("manual: fix: batch (2) -> published (+0.04 F1)");
  }

  @Test
  void aLongDetailIsCutButTheDecisionIsKept() {
    String text =
        VersionReason.trained(VersionReason.trigger("manual", "x".repeat(200)), BETTER, SETTINGS);
    String summary = VersionReason.parse(text).summary(1);
    assertThat(summary)
        .hasSize(VersionReason.SUMMARY_WIDTH)
        .startsWith("manual: xxx")
        .endsWith("... -> published (+0.04 F1)");
  }

  @Test
  void anyOtherTextIsKeptWholeAndCutToTheWidth() {
    assertThat(VersionReason.parse(null).summary(null)).isEmpty();
    assertThat(VersionReason.parse("  ").summary(null)).isEmpty();
    VersionReason odd = VersionReason.parse("(hand-made) version from the notebook");
    assertThat(odd.trigger()).isEqualTo("(hand-made) version from the notebook");
    assertThat(odd.outcome()).isEmpty();
    assertThat(odd.summary(null, 20)).isEqualTo("(hand-made) versi...");
  }
}
