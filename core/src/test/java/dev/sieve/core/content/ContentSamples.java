package dev.sieve.core.content;

import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test data with names for core's content classes: valid content, and one malformed value for every
 * reject reason that depends on the value bytes alone.
 */
final class ContentSamples {

  private ContentSamples() {}

  static ContentEvent content(String id, String text) {
    return ContentEvent.newBuilder().setId(id).setText(text).build();
  }

  static byte[] json(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One raw value per reason, given encoders for Avro content and for Avro of another record type
   * (both through the same registry).
   */
  static Map<RejectReason, byte[]> malformed(
      ConfluentAvroCodec<ContentEvent> content, ConfluentAvroCodec<Label> other, String topic) {
    Map<RejectReason, byte[]> values = new LinkedHashMap<>();
    values.put(RejectReason.TOMBSTONE, null);
    values.put(RejectReason.NOT_AVRO_OR_JSON, utf8("hello, this is plain text"));
    byte[] good = content.encode(topic, content("avro-ok", "fine"));
    byte[] badMagic = good.clone();
    badMagic[0] = 1;
    values.put(RejectReason.BAD_MAGIC_BYTE, badMagic);
    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId).putInt(1, 987_654);
    values.put(RejectReason.UNKNOWN_SCHEMA_ID, unknownId);
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
}
