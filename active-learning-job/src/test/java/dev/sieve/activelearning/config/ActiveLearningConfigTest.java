package dev.sieve.activelearning.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.config.ConfigException;
import dev.sieve.learning.drift.DriftConfig;
import dev.sieve.learning.labels.Resolution;
import dev.sieve.learning.selection.Diversity;
import dev.sieve.learning.selection.SelectionConfig;
import dev.sieve.learning.selection.UncertaintyMeasure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActiveLearningConfigTest {

  private static final String[] REQUIRED = {
    "--bootstrap-servers", "127.0.0.1:9092", "--registry-url", "http://127.0.0.1:8081"
  };

  @Test
  void defaultsComeFromTheSelectionAndDriftDefaults() {
    ActiveLearningConfig config = ActiveLearningConfig.fromArgs(REQUIRED);

    assertThat(config.selection()).isEqualTo(SelectionConfig.defaults());
    assertThat(config.drift()).isEqualTo(DriftConfig.defaults());
    assertThat(config.contentTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(config.labelGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.resolution()).isEqualTo(Resolution.FIRST);
    assertThat(config.majorityOf()).isEqualTo(3);
    assertThat(config.duplicateMemory()).isEqualTo(2_000);
    assertThat(config.common().exactlyOnce()).isTrue();
    assertThat(config.scoredTopic()).isEqualTo("sieve.scored");
    assertThat(config.labelsDlqTopic()).isEqualTo("sieve.labels.dlq");
    assertThat(config.accuracyTopic()).isEqualTo("sieve.accuracy");
    assertThat(config.common().groupId()).isEqualTo("sieve.active-learning");
  }

  @Test
  void everyFlagIsRead() {
    ActiveLearningConfig config =
        ActiveLearningConfig.fromArgs(
            "--bootstrap-servers=127.0.0.1:9092",
            "--registry-url=http://r:8081",
            "--topic-prefix=t.",
            "--delivery=at-least-once",
            "--checkpoint-interval=2s",
            "--content-ttl=2h",
            "--label-grace=5s",
            "--label-resolution=majority",
            "--majority-of=5",
            "--uncertainty=least-confidence",
            "--diversity=balance",
            "--diversity-clusters=20",
            "--diversity-weight=2",
            "--uncertainty-jitter=0.5",
            "--budget-fraction=0.1",
            "--requests-per-minute=30",
            "--random-share=0.2",
            "--duplicate-similarity=0.9",
            "--rare-class-boost=2",
            "--cold-start-labels=5",
            "--duplicate-memory=100",
            "--drift-boost-factor=2",
            "--drift-boost-events=50",
            "--drift-reference=300",
            "--drift-window=200",
            "--drift-cooldown=1000",
            "--drift-confidence-psi=0.3",
            "--drift-class-mix-psi=0.4",
            "--drift-centroid-distance=0.02",
            "--drift-error-delta=0.01",
            "--drift-error-lambda=30");

    assertThat(config.contentTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(config.labelGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.voteResolver().resolution()).isEqualTo(Resolution.MAJORITY);
    assertThat(config.voteResolver().majorityOf()).isEqualTo(5);
    SelectionConfig s = config.selection();
    assertThat(s.measure()).isEqualTo(UncertaintyMeasure.LEAST_CONFIDENCE);
    assertThat(s.diversity()).isEqualTo(Diversity.BALANCE);
    assertThat(s.clusters()).isEqualTo(20);
    assertThat(s.diversityWeight()).isEqualTo(2);
    assertThat(s.uncertaintyJitter()).isEqualTo(0.5);
    assertThat(s.budgetFraction()).isEqualTo(0.1);
    assertThat(s.requestsPerMinute()).isEqualTo(30);
    assertThat(s.randomShare()).isEqualTo(0.2);
    assertThat(s.duplicateSimilarity()).isEqualTo(0.9);
    assertThat(s.rareClassBoost()).isEqualTo(2);
    assertThat(s.coldStartLabels()).isEqualTo(5);
    assertThat(s.driftBoostFactor()).isEqualTo(2);
    assertThat(s.driftBoostEvents()).isEqualTo(50);
    assertThat(config.duplicateMemory()).isEqualTo(100);
    DriftConfig d = config.drift();
    assertThat(d.referenceSize()).isEqualTo(300);
    assertThat(d.windowSize()).isEqualTo(200);
    assertThat(d.cooldownEvents()).isEqualTo(1_000);
    assertThat(d.confidencePsi()).isEqualTo(0.3);
    assertThat(d.classMixPsi()).isEqualTo(0.4);
    assertThat(d.centroidDistance()).isEqualTo(0.02);
    assertThat(d.errorDelta()).isEqualTo(0.01);
    assertThat(d.errorLambda()).isEqualTo(30);
    assertThat(config.requestsTopic()).isEqualTo("t.labeling.requests");
    assertThat(config.common().exactlyOnce()).isFalse();
    assertThat(config.describe())
        .containsEntry("budget-fraction", "0.1")
        .containsEntry("diversity", "balance")
        .containsEntry("uncertainty-jitter", "0.5")
        .containsEntry("label-resolution", "majority");
  }

  @Test
  void badValuesAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> withFlag("--budget-fraction=lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--budget-fraction");
    assertThatThrownBy(() -> withFlag("--budget-fraction=1.5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("budget fraction");
    assertThatThrownBy(() -> withFlag("--uncertainty=vibes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--uncertainty");
    assertThatThrownBy(() -> withFlag("--diversity=vibes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--diversity");
    assertThatThrownBy(() -> withFlag("--uncertainty-jitter=-1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("uncertainty jitter");
    assertThatThrownBy(() -> withFlag("--diversity-clusters=0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--diversity-clusters");
    assertThatThrownBy(() -> withFlag("--label-resolution=last"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--label-resolution");
    assertThatThrownBy(() -> withFlag("--majority-of=1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--majority-of");
    assertThatThrownBy(() -> withFlag("--drift-window=5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--drift-window");
    assertThatThrownBy(() -> withFlag("--budget-fractoin=0.1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown argument");
  }

  private static ActiveLearningConfig withFlag(String flag) {
    String[] args = new String[REQUIRED.length + 1];
    System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
    args[REQUIRED.length] = flag;
    return ActiveLearningConfig.fromArgs(args);
  }
}
