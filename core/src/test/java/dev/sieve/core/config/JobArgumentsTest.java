package dev.sieve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobArgumentsTest {

  @Test
  void readsBothSpellingsAndTypedValues() {
    JobArguments args =
        JobArguments.parse("--a", "x", "--n=12", "--d", "90s", "--mode=AT-LEAST-ONCE");

    assertThat(args.required("a")).isEqualTo("x");
    assertThat(args.intValue("n", 1, 0)).isEqualTo(12);
    assertThat(args.duration("d", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
    assertThat(args.oneOf("mode", "x", List.of("at-least-once"))).isEqualTo("at-least-once");
    assertThat(args.string("absent", "fallback")).isEqualTo("fallback");
    args.failOnUnknown();
  }

  @Test
  void groupsPassThroughKeysWithoutTheirPrefix() {
    JobArguments args =
        JobArguments.parse("--kafka.security.protocol=SSL", "--kafka.sasl.mechanism", "PLAIN");

    assertThat(args.withPrefix("kafka."))
        .containsExactly(
            java.util.Map.entry("security.protocol", "SSL"),
            java.util.Map.entry("sasl.mechanism", "PLAIN"));
    args.failOnUnknown();
  }

  @Test
  void failsWithTheKeyInTheMessage() {
    assertThatThrownBy(() -> JobArguments.parse("--x", "1").required("bootstrap-servers"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("missing required argument --bootstrap-servers");
    assertThatThrownBy(() -> JobArguments.parse("--n=x").intValue("n", 1, 0))
        .hasMessageContaining("--n must be a whole number");
    assertThatThrownBy(() -> JobArguments.parse("--n=0").intValue("n", 1, 1))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> JobArguments.parse("--d=-1s").duration("d", Duration.ZERO))
        .hasMessageContaining("--d");
    assertThatThrownBy(() -> JobArguments.parse("--flag")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> JobArguments.parse("positional")).hasMessageContaining("--key");
    assertThatThrownBy(() -> JobArguments.parse("--a=1", "--a=2")).hasMessageContaining("twice");
  }

  @Test
  void rejectsKeysNobodyRead() {
    JobArguments args = JobArguments.parse("--known=1", "--typo=2");
    args.optional("known");

    assertThatThrownBy(args::failOnUnknown).hasMessage("unknown argument(s): --typo");
  }
}
