package dev.sieve.testkit;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded fuzzing for the jobs' poison-record tests: the seed (printed, and settable to replay a
 * run), mutations of valid payloads, the hostile Avro frames that once killed a job, and the heap
 * the test JVM (where the MiniCluster's TaskManager runs) holds.
 */
public final class Fuzz {

  /** The system property that replays a run: {@code -Dsieve.fuzz.seed=<the printed seed>}. */
  public static final String SEED_PROPERTY = "sieve.fuzz.seed";

  private Fuzz() {}

  /** The seed given by {@link #SEED_PROPERTY}, or a fresh one; printed either way. */
  public static long seed(String test) {
    Long given = Long.getLong(SEED_PROPERTY);
    long seed = given != null ? given : new Random().nextLong();
    System.out.printf(
        "FUZZ %s seed=%d (%s; replay with -D%s=%d)%n",
        test, seed, given != null ? "given" : "fresh", SEED_PROPERTY, seed);
    return seed;
  }

  /**
   * {@code value} with 1 to 4 random bits flipped at or after {@code from} (so a frame's header can
   * be kept), or unchanged if there is no byte there.
   */
  public static byte[] flipBits(byte[] value, int from, Random random) {
    byte[] out = value.clone();
    if (out.length > from) {
      for (int i = 1 + random.nextInt(4); i > 0; i--) {
        int at = from + random.nextInt(out.length - from);
        out[at] ^= (byte) (1 << random.nextInt(8));
      }
    }
    return out;
  }

  /** A random prefix of {@code value}, possibly empty, always shorter. */
  public static byte[] truncate(byte[] value, Random random) {
    return Arrays.copyOf(value, value.length == 0 ? 0 : random.nextInt(value.length));
  }

  /** {@code value} followed by 1 to 32 random bytes. */
  public static byte[] extend(byte[] value, Random random) {
    byte[] tail = randomBytes(1 + random.nextInt(32), random);
    byte[] out = Arrays.copyOf(value, value.length + tail.length);
    System.arraycopy(tail, 0, out, value.length, tail.length);
    return out;
  }

  public static byte[] randomBytes(int length, Random random) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  /**
   * A Confluent frame (magic byte 0, {@code schemaId}) whose first Avro value is a string or bytes
   * length of {@code claimed}, followed by {@code "abc"}: with a ~1 GB claim, the 13-byte record
   * that used to make the decoder allocate what it claims.
   */
  public static byte[] frameClaiming(int schemaId, long claimed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(schemaId));
    out.writeBytes(zigZagVarLong(claimed));
    out.writeBytes(new byte[] {'a', 'b', 'c'});
    return out.toByteArray();
  }

  /**
   * {@code framed} (a Confluent frame) with a varint claiming {@code claimed} (a length or an item
   * count, wherever it lands) spliced in at a random offset of the Avro body.
   */
  public static byte[] spliceHugeLength(byte[] framed, long claimed, Random random) {
    int body = 5;
    int at = body + (framed.length > body ? random.nextInt(framed.length - body + 1) : 0);
    byte[] varint = zigZagVarLong(claimed);
    byte[] out = new byte[framed.length + varint.length];
    System.arraycopy(framed, 0, out, 0, at);
    System.arraycopy(varint, 0, out, at, varint.length);
    System.arraycopy(framed, at, out, at + varint.length, framed.length - at);
    return out;
  }

  /** The 5-byte Confluent header: magic byte 0 and the schema id, big-endian. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array();
  }

  /** Avro's encoding of a long: zig-zag, then 7 bits a byte, low bits first. */
  public static byte[] zigZagVarLong(long value) {
    long n = (value << 1) ^ (value >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((n & ~0x7FL) != 0) {
      out.write((int) ((n & 0x7F) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
    return out.toByteArray();
  }

  /** JSON nested {@code depth} arrays deep around an object: {@code [[[…{"id":…}…]]]}. */
  public static String deepJson(int depth) {
    return "[".repeat(depth) + "{\"id\":\"deep\",\"text\":\"t\"}" + "]".repeat(depth);
  }

  /** Heap of this JVM: what a full collection leaves, and the peak of the heap pools. */
  public static final class Heap {

    private Heap() {}

    /** Forgets the heap pools' peaks, so {@link #peakBytes} covers what follows. */
    public static void resetPeaks() {
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          pool.resetPeakUsage();
        }
      }
    }

    /** The sum of the heap pools' peak usage since {@link #resetPeaks}, garbage included. */
    public static long peakBytes() {
      long sum = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          sum += pool.getPeakUsage().getUsed();
        }
      }
      return sum;
    }

    /** Used heap right after a full collection: what is live. */
    public static long usedAfterGcBytes() {
      ManagementFactory.getMemoryMXBean().gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }
}
