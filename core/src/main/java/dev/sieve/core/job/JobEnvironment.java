package dev.sieve.core.job;

import dev.sieve.core.config.CommonConfig;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
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
 * <p>What the cluster's own configuration sets wins: a checkpoint interval ({@code
 * execution.checkpointing.interval}) or a state backend ({@code state.backend.type}) there is never
 * overridden, because a job's code would otherwise silently beat the operator's {@code
 * config.yaml}. {@code --checkpoint-interval} applies only where the cluster sets none.
 */
public final class JobEnvironment {

  private static final Logger LOG = LoggerFactory.getLogger(JobEnvironment.class);

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
    env.configure(options);
    env.getConfig().setGlobalJobParameters(Configuration.fromMap(parameters));
  }

  static CheckpointingMode checkpointingMode(DeliveryGuarantee delivery) {
    return delivery == DeliveryGuarantee.EXACTLY_ONCE
        ? CheckpointingMode.EXACTLY_ONCE
        : CheckpointingMode.AT_LEAST_ONCE;
  }
}
