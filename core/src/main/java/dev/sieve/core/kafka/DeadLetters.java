package dev.sieve.core.kafka;

import dev.sieve.schemas.DeadLetter;
import java.nio.ByteBuffer;

/** Builds {@link DeadLetter}s from the raw records jobs could not use. */
public final class DeadLetters {

  private DeadLetters() {}

  /**
   * A dead letter for {@code record}, carrying its original key and value bytes untouched and where
   * it came from.
   *
   * @param reason stable machine-readable code
   * @param message human-readable explanation
   * @param job the rejecting job's name
   * @param rejectedAtMs when it was rejected, epoch milliseconds
   */
  public static DeadLetter of(
      KafkaRawRecord record, String reason, String message, String job, long rejectedAtMs) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setMessage(message)
        .setJob(job)
        .setSourceTopic(record.getTopic())
        .setSourcePartition(record.getPartition())
        .setSourceOffset(record.getOffset())
        .setSourceTimestampMs(record.getTimestamp() >= 0 ? record.getTimestamp() : null)
        .setKey(record.getKey() == null ? null : ByteBuffer.wrap(record.getKey().clone()))
        .setValue(record.getValue() == null ? null : ByteBuffer.wrap(record.getValue().clone()))
        .setRejectedAtMs(rejectedAtMs)
        .build();
  }

  /** The DLQ record key: the original key, so a dead letter lands beside its content id. */
  public static byte[] keyOf(DeadLetter letter) {
    ByteBuffer key = letter.getKey();
    if (key == null) {
      return null;
    }
    ByteBuffer copy = key.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
