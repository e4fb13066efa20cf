package dev.sieve.inference.scoring;

import static dev.sieve.inference.testing.FakeRuntime.OTHER;
import static dev.sieve.inference.testing.FakeRuntime.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.inference.testing.FakeRuntime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmbeddingNetworksTest {

  private final FakeRuntime runtime = new FakeRuntime();

  @Test
  void holdsThePrimaryNetworkFromTheStartAndEachOtherOnceWhileInUse() {
    EmbeddingNetworks networks = EmbeddingNetworks.of(runtime);
    assertThat(networks.ids()).containsExactly(PRIMARY);

    Embedder other = networks.require(OTHER);
    assertThat(networks.require(OTHER)).isSameAs(other); // one reference, however many versions
    assertThat(runtime.held.get(OTHER)).hasValue(1);
    assertThat(networks.ids()).containsExactly(PRIMARY, OTHER);

    assertThat(networks.retainOnly(List.of(OTHER))).isEmpty();
    assertThat(networks.retainOnly(List.of())).containsExactly(OTHER); // primary stays
    assertThat(networks.ids()).containsExactly(PRIMARY);
    assertThat(runtime.loaded()).containsExactly(PRIMARY);

    networks.close();
    assertThat(runtime.loaded()).isEmpty();
  }

  @Test
  void anUnknownOrUnloadableNetworkChangesNothing() {
    EmbeddingNetworks networks = EmbeddingNetworks.of(runtime);

    assertThatThrownBy(() -> networks.require("no-such-network"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> networks.require(FakeRuntime.BROKEN))
        .hasMessageContaining("cannot load");
    assertThatThrownBy(() -> networks.get(OTHER)).hasMessageContaining("not loaded");

    assertThat(networks.ids()).isEqualTo(Set.of(PRIMARY));
    networks.close();
  }
}
