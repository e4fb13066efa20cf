package dev.sieve.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.config.CommonConfig;
import dev.sieve.core.config.JobArguments;
import dev.sieve.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaPlumbingTest {

  private static final byte[] KEY = "id-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = {0, 1, 2, (byte) 0xff};

  @Test
  void readsRecordsAsRawBytesWithTheirOrigin() {
    List<KafkaRawRecord> out = new ArrayList<>();
    new RawRecordDeserializationSchema()
        .deserialize(new ConsumerRecord<>("raw", 2, 42L, KEY, VALUE), collector(out));
    new RawRecordDeserializationSchema()
        .deserialize(new ConsumerRecord<>("raw", 0, 43L, null, null), collector(out));

    assertThat(out)
        .containsExactly(
            new KafkaRawRecord("raw", 2, 42L, -1L, KEY, VALUE),
            new KafkaRawRecord("raw", 0, 43L, -1L, null, null));
  }

  @Test
  void rawRecordsAreFlinkPojos() {
    assertThat(new RawRecordDeserializationSchema().getProducedType())
        .isInstanceOf(PojoTypeInfo.class);
  }

  @Test
  void deadLettersCarryTheOriginalBytesAndOrigin() {
    KafkaRawRecord raw = new KafkaRawRecord("raw", 1, 7L, 99L, KEY, VALUE);

    DeadLetter letter = DeadLetters.of(raw, "WHY", "because", "some-job", 1_000L);

    assertThat(letter.getReason()).isEqualTo("WHY");
    assertThat(letter.getMessage()).isEqualTo("because");
    assertThat(letter.getJob()).isEqualTo("some-job");
    assertThat(letter.getSourceTopic()).isEqualTo("raw");
    assertThat(letter.getSourcePartition()).isEqualTo(1);
    assertThat(letter.getSourceOffset()).isEqualTo(7L);
    assertThat(letter.getSourceTimestampMs()).isEqualTo(99L);
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
    assertThat(letter.getRejectedAtMs()).isEqualTo(1_000L);
    assertThat(DeadLetters.keyOf(letter)).isEqualTo(KEY);
  }

  @Test
  void deadLettersCarryKeysAndValuesUpToTheirCapsWhole() {
    byte[] key = new byte[DeadLetters.MAX_KEY_BYTES];
    byte[] value = new byte[DeadLetters.MAX_VALUE_BYTES];
    value[value.length - 1] = 9;

    DeadLetter letter =
        DeadLetters.of(new KafkaRawRecord("raw", 0, 1L, 2L, key, value), "WHY", "m", "j", 5L);

    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(value));
    assertThat(DeadLetters.keyOf(letter)).isEqualTo(key);
    assertThat(letter.getMessage()).isEqualTo("m");
  }

  @Test
  void aDeadLetterCutsWhatWouldNotFitInOneKafkaRecordAndSaysSo() throws Exception {
    byte[] key = new byte[DeadLetters.MAX_KEY_BYTES + 1];
    byte[] value = new byte[1_048_000]; // about the most a broker with default limits accepts
    Arrays.fill(value, (byte) 'v');
    String message = "x".repeat(DeadLetters.MAX_MESSAGE_CHARS + 1);

    DeadLetter letter =
        DeadLetters.of(new KafkaRawRecord("raw", 0, 1L, 2L, key, value), "WHY", message, "j", 5L);

    assertThat(letter.getValue())
        .isEqualTo(ByteBuffer.wrap(Arrays.copyOf(value, DeadLetters.MAX_VALUE_BYTES)));
    assertThat(DeadLetters.keyOf(letter)).hasSize(DeadLetters.MAX_KEY_BYTES);
    assertThat(letter.getMessage())
        .startsWith("x".repeat(DeadLetters.MAX_MESSAGE_CHARS) + "…")
        .contains("the key of 16385 bytes is cut to its first 16384")
        .contains("the value of 1048000 bytes is cut to its first 524288");
    assertThat(letter.toByteBuffer().remaining()).isLessThan(600 * 1024);
  }

  @Test
  void aTombstoneWithoutKeyOrTimestampIsADeadLetterToo() {
    DeadLetter letter =
        DeadLetters.of(
            new KafkaRawRecord("raw", 0, 1L, -1L, null, null), "TOMBSTONE", "m", "j", 5L);

    assertThat(letter.getValue()).isNull();
    assertThat(letter.getSourceTimestampMs()).isNull();
    assertThat(DeadLetters.keyOf(letter)).isNull();
  }

  @Test
  void producersDefaultToATransactionTimeoutBrokersAcceptAndLetThePassThroughWin() {
    CommonConfig config =
        CommonConfig.from(
            JobArguments.parse(
                "--bootstrap-servers=k:9092",
                "--registry-url=http://r:8081",
                "--kafka.compression.type=zstd",
                "--kafka.transaction.timeout.ms=60000"),
            "ingest");

    assertThat(KafkaSinks.producerProperties(config))
        .containsEntry("transaction.timeout.ms", "60000")
        .containsEntry("compression.type", "zstd")
        .containsEntry("acks", "all");
    assertThat(KafkaSinks.DEFAULT_TRANSACTION_TIMEOUT.toMillis()).isLessThanOrEqualTo(900_000L);
  }

  @Test
  void avroSourcesProduceAvroTypedRecordsNeverKryo() {
    CommonConfig config =
        CommonConfig.from(
            JobArguments.parse("--bootstrap-servers=k:9092", "--registry-url=http://r:8081"),
            "inference");

    KafkaSource<DeadLetter> source =
        KafkaSources.avroBuilder(config, "sieve.content.dlq", DeadLetter.class).build();

    assertThat(source.getProducedType()).isInstanceOf(AvroTypeInfo.class);
    assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
  }

  @Test
  void keysAreUtf8OfAFieldAndNullStaysNull() {
    RecordKey<String[]> key = RecordKey.utf8(a -> a[0]);

    assertThat(key.keyOf(new String[] {"é"})).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    assertThat(key.keyOf(new String[] {null})).isNull();
  }

  private static <T> Collector<T> collector(List<T> out) {
    return new Collector<>() {
      @Override
      public void collect(T record) {
        out.add(record);
      }

      @Override
      public void close() {}
    };
  }
}
