package dev.sieve.ingest.config;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.ConfigException;
import dev.sieve.core.config.JobArguments;
import dev.sieve.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything ingest-job is configured with, parsed once from the command line. Immutable.
 *
 * @param common Kafka, registry, delivery guarantee and checkpointing (see {@link CommonConfig})
 * @param softCapChars texts longer than this (Unicode code points) are truncated and marked
 * @param hardCapChars texts longer than this are rejected to the DLQ
 * @param dedupTtl how long an id is remembered: a repeat within this time is dropped as a
 *     duplicate; the longer, the more RocksDB state (about 50 bytes per id)
 */
public record IngestConfig(
    CommonConfig common, int softCapChars, int hardCapChars, Duration dedupTtl)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String JOB_NAME = "ingest";

  public static final String SOFT_CAP = "soft-cap-chars";
  public static final String HARD_CAP = "hard-cap-chars";
  public static final String DEDUP_TTL = "dedup-ttl";

  /**
   * The embedding model reads at most 256 word pieces, roughly 1,000 to 1,500 characters of
   * English; 2,000 keeps everything the model can see, with margin, and bounds record size.
   */
  public static final int DEFAULT_SOFT_CAP = 2_000;

  /**
   * Ten times the soft cap. Past it a record is not a piece of user-generated text but a pasted
   * document or abuse: classifying its first 2,000 characters would answer a question nobody asked,
   * so it is rejected visibly instead. It also keeps every record (at most 4 bytes per character,
   * 80 KB) far below Kafka's default 1 MB message limit.
   */
  public static final int DEFAULT_HARD_CAP = 20_000;

  /** Producers retry and replay within minutes to hours; a day covers that at modest state size. */
  public static final Duration DEFAULT_DEDUP_TTL = Duration.ofHours(24);

  public IngestConfig {
    if (common == null) {
      throw new ConfigException("common configuration is required");
    }
    if (softCapChars < 1 || hardCapChars < softCapChars) {
      throw new ConfigException(
          "--"
              + SOFT_CAP
              + " ("
              + softCapChars
              + ") must be at least 1 and at most --"
              + HARD_CAP
              + " ("
              + hardCapChars
              + ")");
    }
    if (dedupTtl == null || dedupTtl.isZero() || dedupTtl.isNegative()) {
      throw new ConfigException("--" + DEDUP_TTL + " must be positive");
    }
  }

  /** Parses the arguments of {@code main}; fails with a message naming any missing or bad key. */
  public static IngestConfig fromArgs(String... args) {
    return from(JobArguments.parse(args));
  }

  public static IngestConfig from(JobArguments args) {
    IngestConfig config =
        new IngestConfig(
            CommonConfig.from(args, JOB_NAME),
            args.intValue(SOFT_CAP, DEFAULT_SOFT_CAP, 1),
            args.intValue(HARD_CAP, DEFAULT_HARD_CAP, 1),
            args.duration(DEDUP_TTL, DEFAULT_DEDUP_TTL));
    args.failOnUnknown();
    return config;
  }

  public String inputTopic() {
    return common.topic(Topics.CONTENT_RAW);
  }

  public String contentTopic() {
    return common.topic(Topics.CONTENT);
  }

  public String dlqTopic() {
    return common.topic(Topics.CONTENT_DLQ);
  }

  /** Flat, secrets masked: for the log and Flink's global job parameters (shown in the web UI). */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>(common.describe());
    out.put(SOFT_CAP, Integer.toString(softCapChars));
    out.put(HARD_CAP, Integer.toString(hardCapChars));
    out.put(DEDUP_TTL, dedupTtl.toString());
    return out;
  }
}
