package dev.sieve.core.kafka;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Kafka record exactly as it was read: raw key and value bytes and where it came from. Jobs read
 * their input topics as these and decode inside a process function, so a record that cannot be
 * decoded becomes a dead letter with its original bytes and offset instead of failing the source.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters), so it is serialized
 * without Kryo.
 */
public class KafkaRawRecord {

  private String topic;
  private int partition;
  private long offset;

  /** Kafka record timestamp, epoch milliseconds; -1 when the record has none. */
  private long timestamp = -1;

  private byte[] key;
  private byte[] value;

  public KafkaRawRecord() {}

  public KafkaRawRecord(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public int getPartition() {
    return partition;
  }

  public void setPartition(int partition) {
    this.partition = partition;
  }

  public long getOffset() {
    return offset;
  }

  public void setOffset(long offset) {
    this.offset = offset;
  }

  public long getTimestamp() {
    return timestamp;
  }

  public void setTimestamp(long timestamp) {
    this.timestamp = timestamp;
  }

  public byte[] getKey() {
    return key;
  }

  public void setKey(byte[] key) {
    this.key = key;
  }

  /** The value bytes; null for a tombstone. */
  public byte[] getValue() {
    return value;
  }

  public void setValue(byte[] value) {
    this.value = value;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KafkaRawRecord that)) {
      return false;
    }
    return partition == that.partition
        && offset == that.offset
        && timestamp == that.timestamp
        && Objects.equals(topic, that.topic)
        && Arrays.equals(key, that.key)
        && Arrays.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return topic
        + "-"
        + partition
        + "@"
        + offset
        + " (key "
        + (key == null ? "null" : key.length + " bytes")
        + ", value "
        + (value == null ? "null" : value.length + " bytes")
        + ")";
  }
}
