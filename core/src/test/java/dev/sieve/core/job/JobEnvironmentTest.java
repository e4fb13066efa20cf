package dev.sieve.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.JobArguments;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobEnvironmentTest {

  @Test
  void aBareClusterGetsTheFlagsIntervalRocksDbAndTheDeliveryGuaranteesMode() {
    StreamExecutionEnvironment env = environment(new Configuration());

    JobEnvironment.configure(env, common("--checkpoint-interval", "3s"), Map.of("k", "v"));

    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    assertThat(env.getCheckpointInterval()).isEqualTo(3_000L);
    assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(env.getConfig().getGlobalJobParameters().toMap()).containsEntry("k", "v");
  }

  @Test
  void aBareClusterGetsRestartsThatNeverGiveUpAndBackOffToAMinute() {
    StreamExecutionEnvironment env = environment(new Configuration());

    JobEnvironment.configure(env, common(), Map.of());

    ReadableConfig job = env.getConfiguration();
    assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(
            job.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theClustersRestartStrategyIsNeverOverridden() {
    Configuration cluster = new Configuration();
    cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    StreamExecutionEnvironment env = environment(cluster);

    JobEnvironment.configure(env, common(), Map.of());

    assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("fixed-delay");
  }

  @Test
  void atLeastOnceDeliveryCheckpointsAtLeastOnce() {
    StreamExecutionEnvironment env = environment(new Configuration());

    JobEnvironment.configure(env, common("--delivery", "at-least-once"), Map.of());

    assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.AT_LEAST_ONCE);
  }

  @Test
  void theClustersIntervalAndStateBackendAreNeverOverridden() {
    Configuration cluster = new Configuration();
    cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(42));
    cluster.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    StreamExecutionEnvironment env = environment(cluster);

    JobEnvironment.configure(env, common("--checkpoint-interval", "1s"), Map.of());

    assertThat(env.getCheckpointInterval()).isEqualTo(42_000L);
    assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
  }

  private static StreamExecutionEnvironment environment(Configuration cluster) {
    return StreamExecutionEnvironment.getExecutionEnvironment(cluster);
  }

  private static CommonConfig common(String... flags) {
    String[] args = new String[flags.length + 4];
    args[0] = "--bootstrap-servers";
    args[1] = "127.0.0.1:9092";
    args[2] = "--registry-url";
    args[3] = "http://127.0.0.1:8081";
    System.arraycopy(flags, 0, args, 4, flags.length);
    return CommonConfig.from(JobArguments.parse(args), "test-job");
  }
}
