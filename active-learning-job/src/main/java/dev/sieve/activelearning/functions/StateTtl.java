package dev.sieve.activelearning.functions;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/** The one state TTL policy of the job's operators. */
final class StateTtl {

  private StateTtl() {}

  /**
   * A TTL counted from the last write (processing time), never returning expired entries, which
   * RocksDB drops during compaction. Built per descriptor, never shared: {@code enableTimeToLive}
   * mutates the descriptor it is given.
   */
  static StateTtlConfig fromLastWrite(Duration ttl) {
    return StateTtlConfig.newBuilder(ttl)
        .updateTtlOnCreateAndWrite()
        .neverReturnExpired()
        .cleanupInRocksdbCompactFilter(1_000)
        .build();
  }
}
