package dev.sieve.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void namesFollowThePrefix() {
    assertThat(Topics.CONTENT_RAW.name()).isEqualTo("sieve.content.raw");
    assertThat(Topics.CONTENT_RAW.name("acme.sieve.")).isEqualTo("acme.sieve.content.raw");
  }

  @Test
  void everyTopicHasADistinctNameAndOnlyModelsIsCompacted() {
    var names = new HashSet<String>();
    for (var topic : Topics.ALL) {
      assertThat(names.add(topic.name())).as("duplicate topic %s", topic.name()).isTrue();
      assertThat(topic.compacted()).isEqualTo(topic == Topics.MODELS);
    }
    assertThat(names).hasSize(Topics.ALL.size()).hasSize(14);
  }
}
