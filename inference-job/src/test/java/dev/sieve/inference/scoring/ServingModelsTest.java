package dev.sieve.inference.scoring;

import static dev.sieve.inference.testing.Samples.SPAM;
import static dev.sieve.inference.testing.Samples.TOXIC;
import static dev.sieve.inference.testing.Samples.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.inference.testing.FakeRuntime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServingModelsTest {

  private final AtomicInteger closed = new AtomicInteger();

  @Test
  void onlyAHigherVersionIsNewer() {
    ServingModels models = new ServingModels();
    assertThat(models.isNewer(accepted(SPAM, 0, 0.5))).isTrue();
    models.swap(accepted(SPAM, 2, 0.5), head());

    assertThat(models.isNewer(accepted(SPAM, 1, 0.5))).isFalse();
    assertThat(models.isNewer(accepted(SPAM, 2, 0.5))).isFalse();
    assertThat(models.isNewer(accepted(SPAM, 3, 0.5))).isTrue();
    assertThat(models.isNewer(accepted(TOXIC, 1, 0.5))).isTrue();
    assertThat(models.versionOf(SPAM)).isEqualTo(2);
    assertThat(models.versionOf(TOXIC)).isNull();
  }

  @Test
  void aSwapClosesTheReplacedHeadAndCloseClosesTheRest() {
    ServingModels models = new ServingModels();
    models.swap(accepted(SPAM, 1, 0.5), head());
    models.swap(accepted(TOXIC, 1, 0.5), head());
    models.swap(accepted(SPAM, 2, 0.5), head());
    assertThat(closed).hasValue(1);
    assertThat(models.all()).extracting(ServingModels.Serving::number).containsExactly(2, 1);

    models.close();

    assertThat(closed).hasValue(3);
    assertThat(models.isEmpty()).isTrue();
  }

  @Test
  void theNetworksInUseFollowTheServedVersions() {
    ServingModels models = new ServingModels();
    assertThat(models.networksInUse()).isEmpty();
    models.swap(accepted(SPAM, 1, 0.5), head());
    models.swap(accepted(TOXIC, 1, 0.5, FakeRuntime.OTHER), head());
    assertThat(models.networksInUse()).containsExactly(FakeRuntime.PRIMARY, FakeRuntime.OTHER);

    models.swap(accepted(SPAM, 2, 0.5, FakeRuntime.OTHER), head());
    assertThat(models.networksInUse()).containsExactly(FakeRuntime.OTHER);
    models.swap(accepted(TOXIC, 2, 0.5), head());
    models.swap(accepted(SPAM, 3, 0.5), head());
    assertThat(models.networksInUse()).containsExactly(FakeRuntime.PRIMARY);
  }

  private Head head() {
    return new Head() {
      @Override
      public float[][] predict(float[][] embeddings) {
        return embeddings;
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
  }
}
