package dev.sieve.core.kafka;

import dev.sieve.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter}s from the raw records jobs could not use.
 *
 * <p>A dead letter must always fit in one Kafka record, or the dead-letter sink fails and the job
 * restarts onto the same record forever. A value the broker accepted (up to its {@code
 * message.max.bytes}, 1 MiB by default) plus the letter's own fields, with the key written twice
 * (record key and {@code DeadLetter.key}), would not fit a producer's default {@code
 * max.request.size} of 1 MiB. So a letter carries at most {@link #MAX_VALUE_BYTES} of the value,
 * {@link #MAX_KEY_BYTES} of the key and {@link #MAX_MESSAGE_CHARS} of message: a bigger one is cut
 * to its first bytes, and the message says so with the original size — still enough to see what the
 * record was and where to find it whole (topic, partition, offset).
 */
public final class DeadLetters {

  /** The most value bytes a dead letter carries: half the default Kafka record size. */
  public static final int MAX_VALUE_BYTES = 512 * 1024;

  /** The most key bytes a dead letter carries (twice: as its record key and in the letter). */
  public static final int MAX_KEY_BYTES = 16 * 1024;

  /** The longest message, in UTF-16 units (a message may quote the record). */
  public static final int MAX_MESSAGE_CHARS = 4 * 1024;

  private DeadLetters() {}

  /**
   * A dead letter for {@code record}, carrying its original key and value bytes (cut past {@link
   * #MAX_KEY_BYTES} and {@link #MAX_VALUE_BYTES}, as the message then says) and where it came from.
   *
   * @param reason stable machine-readable code
   * @param message human-readable explanation
   * @param job the rejecting job's name
   * @param rejectedAtMs when it was rejected, epoch milliseconds
   */
  public static DeadLetter of(
      KafkaRawRecord record, String reason, String message, String job, long rejectedAtMs) {
    StringBuilder why = new StringBuilder(cut(message));
    ByteBuffer key = carried(record.getKey(), MAX_KEY_BYTES, "key", why);
    ByteBuffer value = carried(record.getValue(), MAX_VALUE_BYTES, "value", why);
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setMessage(why.toString())
        .setJob(job)
        .setSourceTopic(record.getTopic())
        .setSourcePartition(record.getPartition())
        .setSourceOffset(record.getOffset())
        .setSourceTimestampMs(record.getTimestamp() >= 0 ? record.getTimestamp() : null)
        .setKey(key)
        .setValue(value)
        .setRejectedAtMs(rejectedAtMs)
        .build();
  }

  /** A copy of at most {@code max} bytes of {@code bytes}, noting in {@code why} a cut. */
  private static ByteBuffer carried(byte[] bytes, int max, String what, StringBuilder why) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length <= max) {
      return ByteBuffer.wrap(bytes.clone());
    }
    why.append(" [the ")
        .append(what)
        .append(" of ")
        .append(bytes.length)
        .append(" bytes is cut to its first ")
        .append(max)
        .append(" in this dead letter]");
    return ByteBuffer.wrap(Arrays.copyOf(bytes, max));
  }

  private static String cut(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message == null ? "" : message;
    }
    int end = MAX_MESSAGE_CHARS;
    if (Character.isHighSurrogate(message.charAt(end - 1))) {
      end--; // never leave half a surrogate pair, which Avro cannot encode faithfully
    }
    return message.substring(0, end) + "…";
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
