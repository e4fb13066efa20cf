package dev.sieve.core.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.core.registry.FakeSchemaRegistryClient;
import dev.sieve.core.registry.RegistryUnavailableException;
import dev.sieve.core.serde.AvroDecodeException.Reason;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Label;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class ConfluentAvroCodecTest {

  private static final String TOPIC = "sieve.content.raw";

  /** ContentEvent as a first producer might have written it: only id and text. */
  private static final Schema CONTENT_EVENT_V0 =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "ContentEvent", "namespace": "dev.sieve.schemas",
               "fields": [
                 {"name": "id", "type": "string"},
                 {"name": "text", "type": "string"}]}
              """);

  private final FakeSchemaRegistryClient registry = new FakeSchemaRegistryClient();
  private final ConfluentAvroCodec<ContentEvent> codec =
      new ConfluentAvroCodec<>(registry, ContentEvent.class);

  @Test
  void roundTripsARecord() {
    ContentEvent event = contentEvent("c-1", "free shipping on all orders");

    byte[] bytes = codec.encode(TOPIC, event);

    assertThat(codec.decode(bytes)).isEqualTo(event);
  }

  @Test
  void framesWithMagicByteAndBigEndianSchemaIdOfTheValueSubject() throws IOException {
    byte[] bytes = codec.encode(TOPIC, contentEvent("c-1", "hello"));

    int id = registry.latest(TOPIC + "-value").id();
    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    assertThat(ConfluentAvroCodec.schemaIdOf(bytes)).isEqualTo(id);
    // The body is plain Avro binary of the class's schema.
    GenericRecord plain =
        new GenericDatumReader<GenericRecord>(ContentEvent.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(plain.get("text").toString()).isEqualTo("hello");
  }

  @Test
  void asksTheRegistryOncePerSubjectAndOncePerWriterId() {
    byte[] first = codec.encode(TOPIC, contentEvent("c-1", "a"));
    codec.encode(TOPIC, contentEvent("c-2", "b"));
    ConfluentAvroCodec<ContentEvent> reader =
        new ConfluentAvroCodec<>(registry, ContentEvent.class);
    int before = registry.calls();

    reader.decode(first);
    reader.decode(first);

    assertThat(registry.calls()).isEqualTo(before + 1);
  }

  @Test
  void readsAnOlderWriterSchemaAsTheCurrentClassWithDefaultsFilled() throws IOException {
    GenericRecord old = new GenericData.Record(CONTENT_EVENT_V0);
    old.put("id", "c-old");
    old.put("text", "written before source and attributes existed");
    int oldId = registry.register(TOPIC + "-value", CONTENT_EVENT_V0);

    ContentEvent event = codec.decode(frame(oldId, CONTENT_EVENT_V0, old));

    assertThat(event.getId()).isEqualTo("c-old");
    assertThat(event.getText()).isEqualTo("written before source and attributes existed");
    assertThat(event.getSource()).isNull();
    assertThat(event.getAttributes()).isEmpty();
    assertThat(event.getTruncated()).isFalse();
    assertThat(event.getOriginalLength()).isNull();
  }

  @Test
  void readsANewerWriterSchemaIgnoringFieldsTheClassDoesNotKnow() throws IOException {
    Schema newer =
        new Schema.Parser()
            .parse(
                ContentEvent.getClassSchema()
                    .toString()
                    .replace(
                        "\"fields\":[",
                        "\"fields\":[{\"name\":\"lang\",\"type\":\"string\",\"default\":\"en\"},"));
    GenericRecord record = new GenericData.Record(newer);
    record.put("lang", "de");
    record.put("id", "c-new");
    record.put("text", "hallo");
    record.put("attributes", Map.of());
    record.put("truncated", false);
    int newerId = registry.registerWithoutSubject(newer);

    ContentEvent event = codec.decode(frame(newerId, newer, record));

    assertThat(event.getId()).isEqualTo("c-new");
    assertThat(event.getText()).isEqualTo("hallo");
  }

  @Test
  void tooShort() {
    assertThatThrownBy(() -> codec.decode(new byte[] {0, 0, 0, 1}))
        .isInstanceOfSatisfying(
            AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_SHORT))
        .hasMessageContaining("at least 5 bytes")
        .hasMessageContaining("got 4");
  }

  @Test
  void badMagicByte() {
    byte[] json = "{\"id\":\"c-1\",\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(json))
        .isInstanceOfSatisfying(
            AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE))
        .hasMessageContaining("0x7b");
  }

  @Test
  void unknownSchemaId() {
    byte[] bytes = codec.encode(TOPIC, contentEvent("c-1", "hi"));
    ByteBuffer.wrap(bytes, 1, 4).putInt(9999);

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(
            AvroDecodeException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
              assertThat(e.schemaId()).isEqualTo(9999);
            })
        .hasMessageContaining("no schema with id 9999");
  }

  @Test
  void wrongRecordTypeSaysWhichTypesAndWhy() {
    Label label =
        Label.newBuilder()
            .setContentId("c-1")
            .setClassifier("spam")
            .setLabel("ham")
            .setLabeler("alice")
            .setLabeledAtMs(1L)
            .build();
    byte[] labelBytes =
        new ConfluentAvroCodec<>(registry, Label.class).encode("sieve.labels", label);

    assertThatThrownBy(() -> codec.decode(labelBytes))
        .isInstanceOfSatisfying(
            AvroDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_RECORD_TYPE))
        .hasMessageContaining("dev.sieve.schemas.Label")
        .hasMessageContaining("cannot be read as dev.sieve.schemas.ContentEvent")
        .hasMessageContaining("NAME_MISMATCH");
  }

  @Test
  void truncatedBodyIsTruncated() {
    byte[] bytes = codec.encode(TOPIC, contentEvent("c-1", "a text long enough to cut"));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);

    assertThatThrownBy(() -> codec.decode(truncated))
        .isInstanceOfSatisfying(
            AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("cannot read");
  }

  @Test
  void trailingBytesAreMalformed() {
    byte[] bytes = codec.encode(TOPIC, contentEvent("c-1", "hi"));
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);

    assertThatThrownBy(() -> codec.decode(padded))
        .isInstanceOfSatisfying(
            AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_AVRO))
        .hasMessageContaining("3 trailing byte(s)");
  }

  @Test
  void corruptLengthIsMalformed() {
    byte[] bytes = codec.encode(TOPIC, contentEvent("c-1", "hi"));
    bytes[5] = 0x01; // zig-zag -1: a negative string length

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(
            AvroDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_AVRO));
  }

  @Test
  void aPoisonLengthPrefixIsTruncatedNotAnAllocation() {
    // 13 bytes: the frame of a registered ContentEvent whose first string (the id) claims 1 GB.
    byte[] header = Arrays.copyOf(codec.encode(TOPIC, contentEvent("c-1", "hi")), 5);
    byte[] poison = Arrays.copyOf(header, 13);
    byte[] gigabyte = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}; // zig-zag 2^30
    System.arraycopy(gigabyte, 0, poison, 5, gigabyte.length);

    assertThatThrownBy(() -> codec.decode(poison))
        .isInstanceOfSatisfying(
            AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("string length 1073741824 is longer than the 3 byte(s) left");
  }

  @Test
  void registryOutageIsNotADecodeFailure() {
    byte[] bytes = codec.encode(TOPIC, contentEvent("c-1", "hi"));
    ConfluentAvroCodec<ContentEvent> reader =
        new ConfluentAvroCodec<>(registry, ContentEvent.class);
    registry.setDown(true);

    assertThatThrownBy(() -> reader.decode(bytes))
        .isInstanceOf(RegistryUnavailableException.class)
        .isNotInstanceOf(AvroDecodeException.class);

    // Nothing bad was cached: once the registry is back, the same bytes decode.
    registry.setDown(false);
    assertThat(reader.decode(bytes).getId()).isEqualTo("c-1");
  }

  @Test
  void withoutAutoRegisterTheSchemaMustExist() {
    ConfluentAvroCodec<ContentEvent> strict =
        new ConfluentAvroCodec<>(registry, ContentEvent.class, false);

    assertThatThrownBy(() -> strict.encode(TOPIC, contentEvent("c-1", "hi")))
        .isInstanceOf(dev.sieve.core.registry.SubjectNotFoundException.class);

    codec.encode(TOPIC, contentEvent("c-1", "hi"));
    assertThat(strict.decode(strict.encode(TOPIC, contentEvent("c-2", "ok"))).getId())
        .isEqualTo("c-2");
  }

  static ContentEvent contentEvent(String id, String text) {
    return ContentEvent.newBuilder()
        .setId(id)
        .setText(text)
        .setSource("unit-test")
        .setTimestampMs(1_700_000_000_000L)
        .setAttributes(Map.of("lang", "en"))
        .build();
  }

  private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
