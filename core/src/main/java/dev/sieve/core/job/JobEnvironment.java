package dev.sieve.core.job;

import dev.sieve.core.config.CommonConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Sieve job configures its environment, once: no silent Kryo, checkpointing in the mode
 * the delivery guarantee needs, RocksDB state with incremental checkpoints, and the job's settings
 * as global job parameters (shown in the Flink web UI).
 *
 * <p>Restarts never give up on a transient fault: exponential-delay from 1 s, doubling up to 1 min
 * between attempts, with no limit on attempts, and back to 1 s once the job has run 10 min without
 * a failure. A broker or registry outage of any length therefore ends with the job running again at
 * most a minute after the outage does. Records cannot fail a job (every decoder dead-letters what
 * it cannot read), so only faults outside the stream reach this path.
 *
 * <p>What the cluster's own configuration sets wins: a checkpoint interval ({@code
 * execution.checkpointing.interval}), a state backend ({@code state.backend.type}) or a restart
 * strategy ({@code restart-strategy.type}) there is never overridden, because a job's code would
 * otherwise silently beat the operator's {@code config.yaml}. {@code --checkpoint-interval} applies
 * only where the cluster sets none.
 */
public final class JobEnvironment {

  private static final Logger LOG = LoggerFactory.getLogger(JobEnvironment.class);

  /** The first restart waits this long; each further one twice as long as the last. */
  public static final Duration RESTART_INITIAL_BACKOFF = Duration.ofSeconds(1);

  /** The longest wait between two restarts. */
  public static final Duration RESTART_MAX_BACKOFF = Duration.ofMinutes(1);

  /** A job that runs this long without a failure starts again from the initial backoff. */
  public static final Duration RESTART_RESET_AFTER = Duration.ofMinutes(10);

  private JobEnvironment() {}

  /**
   * Configures {@code env} for a job with {@code common} settings; {@code parameters} are the job's
   * settings as they should appear among the global job parameters (secrets already masked).
   */
  public static void configure(
      StreamExecutionEnvironment env, CommonConfig common, Map<String, String> parameters) {
    ReadableConfig cluster = env.getConfiguration();
    Configuration options = new Configuration();
    options.set(PipelineOptions.GENERIC_TYPES, false);
    options.set(
        CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, checkpointingMode(common.delivery()));
    if (cluster.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
      options.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, common.checkpointInterval());
    } else if (!cluster
        .get(CheckpointingOptions.CHECKPOINTING_INTERVAL)
        .equals(common.checkpointInterval())) {
      LOG.info(
          "Checkpoint interval {} from the cluster configuration (--{} {} applies only where it sets none)",
          cluster.get(CheckpointingOptions.CHECKPOINTING_INTERVAL),
          CommonConfig.CHECKPOINT_INTERVAL,
          common.checkpointInterval());
    }
    if (cluster.getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
      options.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
      options.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    if (cluster.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
      restartWithExponentialDelay(options);
    }
    env.configure(options);
    env.getConfig().setGlobalJobParameters(Configuration.fromMap(parameters));
  }

  /** Sets Sieve's restart strategy (see the class comment) in {@code options}. */
  public static void restartWithExponentialDelay(Configuration options) {
    options.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    options.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        RESTART_INITIAL_BACKOFF);
    options.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, RESTART_MAX_BACKOFF);
    options.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
    options.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
    options.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
        RESTART_RESET_AFTER);
    options.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
  }

  static CheckpointingMode checkpointingMode(DeliveryGuarantee delivery) {
    return delivery == DeliveryGuarantee.EXACTLY_ONCE
        ? CheckpointingMode.EXACTLY_ONCE
        : CheckpointingMode.AT_LEAST_ONCE;
  }
}
