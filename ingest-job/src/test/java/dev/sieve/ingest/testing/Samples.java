package dev.sieve.ingest.testing;

import dev.sieve.core.content.RejectReason;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test data with names: valid content in both wire forms, and one malformed value for every reject
 * reason that depends on the value bytes alone.
 */
public final class Samples {

  private Samples() {}

  public static ContentEvent content(String id, String text) {
    return ContentEvent.newBuilder().setId(id).setText(text).build();
  }

  public static byte[] json(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] jsonContent(String id, String text) {
    return json("{\"id\":\"" + id + "\",\"text\":\"" + text + "\",\"source\":\"test\"}");
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One raw value per reason, given encoders for Avro content and for Avro of another record type
   * (both through the same registry).
   */
  public static Map<RejectReason, byte[]> malformed(
      ConfluentAvroCodec<ContentEvent> content, ConfluentAvroCodec<Label> other, String topic) {
    Map<RejectReason, byte[]> values = new LinkedHashMap<>();
    values.put(RejectReason.TOMBSTONE, null);
    values.put(RejectReason.NOT_AVRO_OR_JSON, utf8("hello, this is plain text"));
    byte[] good = content.encode(topic, content("avro-ok", "fine"));
    byte[] badMagic = good.clone();
    badMagic[0] = 1;
    values.put(RejectReason.BAD_MAGIC_BYTE, badMagic);
    values.put(RejectReason.UNKNOWN_SCHEMA_ID, withSchemaId(good, 987_654));
    values.put(RejectReason.TRUNCATED_AVRO, Arrays.copyOf(good, good.length - 3));
    values.put(RejectReason.MALFORMED_AVRO, Arrays.copyOf(good, good.length + 2)); // trailing
    values.put(
        RejectReason.WRONG_RECORD_TYPE,
        other.encode(
            topic + ".other", // its own subject: the registry would refuse it under the topic's
            Label.newBuilder()
                .setContentId("c1")
                .setClassifier("spam")
                .setLabel("ham")
                .setLabeler("tester")
                .setLabeledAtMs(1L)
                .build()));
    values.put(RejectReason.MALFORMED_JSON, utf8("{\"id\": \"x\", \"text\": "));
    values.put(RejectReason.JSON_NOT_OBJECT, utf8("[{\"id\":\"x\",\"text\":\"y\"}]"));
    byte[] invalidUtf8 = utf8("{\"id\":\"bad-utf8\",\"text\":\"caf\u00e9 X\"}");
    invalidUtf8[invalidUtf8.length - 5] = (byte) 0xFF; // "é" = C3 A9 becomes C3 FF
    values.put(RejectReason.INVALID_UTF8, invalidUtf8);
    values.put(RejectReason.MISSING_ID, utf8("{\"text\":\"no id here\"}"));
    values.put(RejectReason.MISSING_TEXT, utf8("{\"id\":\"no-text\"}"));
    values.put(RejectReason.INVALID_FIELD, utf8("{\"id\":\"num-text\",\"text\":42}"));
    values.put(RejectReason.EMPTY_ID, utf8("{\"id\":\"\",\"text\":\"empty id\"}"));
    values.put(RejectReason.EMPTY_TEXT, utf8("{\"id\":\"blank\",\"text\":\" \\t\\n \\u0007 \"}"));
    return values;
  }

  /** A JSON content event whose text has {@code hardCap + 1} characters. */
  public static byte[] tooLong(String id, int hardCap) {
    return jsonContent(id, "x".repeat(hardCap + 1));
  }

  /** {@code framed} with another schema id in its header. */
  public static byte[] withSchemaId(byte[] framed, int schemaId) {
    byte[] copy = framed.clone();
    ByteBuffer.wrap(copy).putInt(1, schemaId);
    return copy;
  }
}
