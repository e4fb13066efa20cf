package dev.sieve.inference.functions;

import java.io.Serializable;
import java.util.Map;

/**
 * Where the models topic ends, as {@link ModelRecordDecoder} needs to know it: for each partition
 * that holds at least one committed record, the offset of its last one. The last <em>record</em>,
 * not the end offset: under {@code read_committed} the end offset can sit past transaction markers
 * and aborted records that no consumer ever sees, so waiting for "end offset - 1" could wait
 * forever. A small interface so the decoder can be tested without a broker; the production one is
 * {@code io.KafkaLastOffsets}.
 */
@FunctionalInterface
public interface LastModelOffsets extends Serializable {

  /**
   * Partition → offset of its last committed record, now. Throws (failing the task, which Flink
   * restarts) if Kafka cannot answer within a bounded time.
   */
  Map<Integer, Long> fetch();
}
