package dev.sieve.core.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoder over one record's bytes, refusing any length or item count larger than the
 * bytes that are left, before anything is allocated.
 *
 * <p>Avro trusts the length prefix of a string or bytes value and the count of an array or map
 * block: a 13-byte record whose first string claims 1 GB makes {@link BinaryDecoder} allocate 1 GB,
 * and the task dies with {@code OutOfMemoryError} on every restart. Avro's own limits ({@code
 * org.apache.avro.limits.*}) are JVM-wide system properties read once when Avro loads, so they can
 * only be loose; here a record is whole in memory, so the exact bound is known: no value can be
 * longer than what remains, and every array or map item takes at least one byte in Sieve's schemas
 * (no {@code null}-typed items). Hand-written because Avro has no bounded decoder; it delegates
 * every read to {@link BinaryDecoder} and only adds the checks.
 */
final class BoundedBinaryDecoder extends Decoder {

  private final BinaryDecoder in;

  BoundedBinaryDecoder(BinaryDecoder in) {
    this.in = in;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = length("string");
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    in.readFixed(result.getBytes(), 0, length);
    return result;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(length("string"));
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = length("bytes");
    ByteBuffer result =
        old != null && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
    in.readFixed(result.array(), result.position(), length);
    result.limit(length);
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(length("bytes"));
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return items("array", in.readArrayStart());
  }

  @Override
  public long arrayNext() throws IOException {
    return items("array", in.arrayNext());
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return items("map", in.readMapStart());
  }

  @Override
  public long mapNext() throws IOException {
    return items("map", in.mapNext());
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }

  /** Bytes not read yet. */
  int remaining() throws IOException {
    return in.isEnd() ? 0 : in.inputStream().available();
  }

  /** A string or bytes length prefix, checked against what is left. */
  private int length(String what) throws IOException {
    long length = in.readLong();
    if (length < 0) {
      throw new AvroRuntimeException("negative " + what + " length " + length);
    }
    int left = remaining();
    if (length > left) {
      throw new EOFException(
          what + " length " + length + " is longer than the " + left + " byte(s) left");
    }
    return (int) length;
  }

  /** A block count of an array or map, checked against what is left (one byte an item at least). */
  private long items(String what, long count) throws IOException {
    int left = remaining();
    if (count > left) {
      throw new EOFException(
          what + " block of " + count + " items is more than the " + left + " byte(s) left");
    }
    return count;
  }
}
