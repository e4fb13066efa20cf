package dev.sieve.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.sieve.schemas.Topic.Retention;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void eachRetentionIsTheTopicConfigsThatGiveIt() {
    assertThat(Topics.MODELS.configs()).containsExactly(entry("cleanup.policy", "compact"));
    assertThat(Topics.LABELS.configs()).containsExactly(entry("retention.ms", "-1"));
    assertThat(Topics.CONTENT_RAW.configs()).isEmpty();
  }

  @Test
  void namesFollowThePrefix() {
    assertThat(Topics.CONTENT_RAW.name()).isEqualTo("sieve.content.raw");
    assertThat(Topics.CONTENT_RAW.name("acme.sieve.")).isEqualTo("acme.sieve.content.raw");
  }

  @Test
  void everyTopicHasADistinctNameOnlyModelsIsCompactedAndLabelsAreKeptForever() {
    var names = new HashSet<String>();
    for (var topic : Topics.ALL) {
      assertThat(names.add(topic.name())).as("duplicate topic %s", topic.name()).isTrue();
      assertThat(topic.compacted()).isEqualTo(topic == Topics.MODELS);
      Retention expected =
          topic == Topics.MODELS
              ? Retention.COMPACTED
              : topic == Topics.LABELS || topic == Topics.LABELLED
                  ? Retention.FOREVER
                  : Retention.BROKER_DEFAULT;
      assertThat(topic.retention()).as(topic.name()).isEqualTo(expected);
    }
    assertThat(names).hasSize(Topics.ALL.size()).hasSize(15);
  }
}
