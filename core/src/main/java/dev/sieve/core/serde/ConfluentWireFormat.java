package dev.sieve.core.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: a magic byte 0, the writer schema's registry id as a 4-byte big-endian
 * int, then the Avro binary encoding of the record. Confluent's own serializers write and read
 * exactly this, so records cross freely between their clients and Sieve's.
 */
public final class ConfluentWireFormat {

  /** The first byte of every framed record. */
  public static final byte MAGIC_BYTE = 0;

  /** Magic byte plus schema id. */
  public static final int HEADER_SIZE = 5;

  private ConfluentWireFormat() {}

  /**
   * Reads the schema id from framed bytes.
   *
   * @throws AvroDecodeException with {@code TOO_SHORT} or {@code BAD_MAGIC_BYTE}
   */
  public static int schemaId(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_SIZE) {
      throw new AvroDecodeException(
          AvroDecodeException.Reason.TOO_SHORT,
          -1,
          "Confluent-framed Avro needs at least "
              + HEADER_SIZE
              + " bytes (magic byte and schema id), got "
              + (bytes == null ? "null" : bytes.length));
    }
    if (bytes[0] != MAGIC_BYTE) {
      throw new AvroDecodeException(
          AvroDecodeException.Reason.BAD_MAGIC_BYTE,
          -1,
          String.format(
              "first byte is 0x%02x, expected the Confluent magic byte 0x00; the record is not"
                  + " Confluent-framed Avro (plain JSON starts with 0x7b '{')",
              bytes[0] & 0xff));
    }
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  /** Writes the 5-byte header for {@code schemaId} into the start of {@code target}. */
  static void writeHeader(int schemaId, byte[] target) {
    target[0] = MAGIC_BYTE;
    ByteBuffer.wrap(target, 1, 4).putInt(schemaId);
  }
}
