package dev.sieve.inference.scoring;

import dev.sieve.schemas.ContentEvent;

/**
 * A content event waiting in the current micro-batch.
 *
 * @param event the content
 * @param arrivalMs processing time at which the operator received it; latency is measured from here
 * @param timestamp the Flink record timestamp (the Kafka record's), passed on to the outputs
 * @param hasTimestamp whether the input record had a timestamp
 */
public record PendingEvent(
    ContentEvent event, long arrivalMs, long timestamp, boolean hasTimestamp) {

  public static PendingEvent of(ContentEvent event, long arrivalMs) {
    return new PendingEvent(event, arrivalMs, Long.MIN_VALUE, false);
  }
}
