package dev.sieve.learning.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class SelectionConfigTest {

  /** Every component set, none to a value a {@code with*} call below sets. */
  private static final SelectionConfig BASE =
      new SelectionConfig(
          UncertaintyMeasure.ENTROPY,
          0.1,
          60,
          0.2,
          0.9,
          2.0,
          5,
          100,
          2.0,
          500,
          7L,
          Diversity.BALANCE,
          4,
          0.5,
          0.25);

  @Test
  void eachWithChangesOnlyItsOwnComponents() throws Exception {
    assertThat(changes(BASE.withMeasure(UncertaintyMeasure.MARGIN)))
        .containsExactly(entry("measure", UncertaintyMeasure.MARGIN));
    assertThat(changes(BASE.withBudget(0.5, 30)))
        .containsExactly(entry("budgetFraction", 0.5), entry("requestsPerMinute", 30.0));
    assertThat(changes(BASE.withRandomShare(0.6))).containsExactly(entry("randomShare", 0.6));
    assertThat(changes(BASE.withUncertaintyJitter(0.75)))
        .containsExactly(entry("uncertaintyJitter", 0.75));
    assertThat(changes(BASE.withSeed(99L))).containsExactly(entry("seed", 99L));
    assertThat(changes(BASE.withDiversity(Diversity.DENSITY, 12, 2.0)))
        .containsExactly(
            entry("diversity", Diversity.DENSITY),
            entry("clusters", 12),
            entry("diversityWeight", 2.0));
  }

  @Test
  void withChecksTheNewValueAsTheConstructorDoes() {
    assertThatThrownBy(() -> BASE.withRandomShare(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("random share");
    assertThatThrownBy(() -> BASE.withBudget(0, 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budget fraction");
    assertThatThrownBy(() -> BASE.withDiversity(Diversity.DENSITY, 0, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clusters");
  }

  /** The components in which {@code changed} differs from {@link #BASE}, with their new values. */
  private static Map<String, Object> changes(SelectionConfig changed) throws Exception {
    Map<String, Object> changes = new LinkedHashMap<>();
    for (RecordComponent c : SelectionConfig.class.getRecordComponents()) {
      Object before = c.getAccessor().invoke(BASE);
      Object after = c.getAccessor().invoke(changed);
      if (!Objects.equals(before, after)) {
        changes.put(c.getName(), after);
      }
    }
    return changes;
  }
}
