package dev.sieve.local;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Records that no Sieve job can accept, of the kinds a careless or hostile producer writes: an Avro
 * frame whose first string claims about a gigabyte, a wrong magic byte, a frame cut short, random
 * bytes, broken and 10,000-deep JSON, JSON without a text. Every one must be dead-lettered with its
 * reason (never fail a job), so the chaos run can account for each by its key, {@link #KEY_PREFIX}
 * followed by a number.
 *
 * <p>Each is built from a valid frame of the topic's own schema ({@code validFrame}), so the Avro
 * ones carry a schema id the registry knows and reach the decoder's length checks.
 */
final class PoisonRecords {

  /** Every poison record's key starts with this. */
  static final String KEY_PREFIX = "chaos-poison-";

  private static final int KINDS = 7;

  private final Random random;
  private final byte[] validFrame;

  PoisonRecords(long seed, byte[] validFrame) {
    this.random = new Random(seed);
    this.validFrame = validFrame.clone();
  }

  static String key(long n) {
    return KEY_PREFIX + n;
  }

  static boolean isPoison(byte[] key) {
    return key != null && new String(key, StandardCharsets.UTF_8).startsWith(KEY_PREFIX);
  }

  /** The {@code n}-th poison value: the kinds in turn, each with random content. */
  byte[] next(long n) {
    return switch ((int) (n % KINDS)) {
      case 0 -> hugeLengthPrefix();
      case 1 -> badMagicByte();
      case 2 -> Arrays.copyOf(validFrame, 5 + random.nextInt(validFrame.length - 5)); // cut short
      case 3 -> randomBytes();
      case 4 -> ("{\"id\": \"" + n + "\", \"text\": ").getBytes(StandardCharsets.UTF_8);
      case 5 -> deepJson();
      default -> ("{\"id\": \"" + KEY_PREFIX + n + "\"}").getBytes(StandardCharsets.UTF_8);
    };
  }

  /** Magic byte, the real schema id, then a string length of about 1 GB (zig-zag varint). */
  private byte[] hugeLengthPrefix() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(validFrame, 0, 5);
    long zigZag = (1_000_000_000L + random.nextInt(1000)) << 1;
    while ((zigZag & ~0x7FL) != 0) {
      out.write((int) ((zigZag & 0x7F) | 0x80));
      zigZag >>>= 7;
    }
    out.write((int) zigZag);
    out.write(random.nextInt(256));
    return out.toByteArray();
  }

  private byte[] badMagicByte() {
    byte[] bytes = validFrame.clone();
    bytes[0] = (byte) (1 + random.nextInt(31)); // not 0, not '{' (123), not whitespace
    return bytes;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[1 + random.nextInt(512)];
    random.nextBytes(bytes);
    bytes[0] = (byte) (0x80 | bytes[0]); // neither a frame (0) nor JSON ('{', '[')
    return bytes;
  }

  private static byte[] deepJson() {
    byte[] bytes = new byte[10_000];
    Arrays.fill(bytes, (byte) '[');
    return ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '1').array();
  }
}
