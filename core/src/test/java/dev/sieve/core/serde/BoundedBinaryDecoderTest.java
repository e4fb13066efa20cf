package dev.sieve.core.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class BoundedBinaryDecoderTest {

  @Test
  void aStringThatClaimsMoreThanTheRecordHoldsIsRefusedBeforeAnyAllocation() throws IOException {
    byte[] bytes = encoded(e -> e.writeLong(1L << 30)); // "1 GB follows", then nothing

    assertThatThrownBy(() -> decoder(bytes).readString())
        .isInstanceOf(EOFException.class)
        .hasMessage("string length 1073741824 is longer than the 0 byte(s) left");
    assertThatThrownBy(() -> decoder(bytes).readBytes(null))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("bytes length 1073741824");
  }

  @Test
  void aNegativeLengthIsRefused() throws IOException {
    byte[] bytes = encoded(e -> e.writeLong(-5));

    assertThatThrownBy(() -> decoder(bytes).readString())
        .isInstanceOf(AvroRuntimeException.class)
        .hasMessage("negative string length -5");
  }

  @Test
  void anArrayOrMapBlockOfMoreItemsThanBytesLeftIsRefused() throws IOException {
    byte[] huge = encoded(e -> e.writeLong(1_000_000_000L));

    assertThatThrownBy(() -> decoder(huge).readArrayStart())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("array block of 1000000000 items");
    assertThatThrownBy(() -> decoder(huge).readMapStart())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("map block of 1000000000 items");
  }

  @Test
  void wellFormedValuesReadAsAvroWritesThem() throws IOException {
    byte[] bytes =
        encoded(
            e -> {
              e.writeString("héllo");
              e.writeBytes(new byte[] {1, 2, 3});
              e.writeArrayStart();
              e.setItemCount(2);
              e.startItem();
              e.writeFloat(0.5f);
              e.startItem();
              e.writeFloat(-1f);
              e.writeArrayEnd();
            });
    BoundedBinaryDecoder in = decoder(bytes);

    assertThat(in.readString()).isEqualTo("héllo");
    assertThat(in.readBytes(null).array()).containsExactly(1, 2, 3);
    assertThat(in.readArrayStart()).isEqualTo(2);
    assertThat(in.readFloat()).isEqualTo(0.5f);
    assertThat(in.readFloat()).isEqualTo(-1f);
    assertThat(in.arrayNext()).isZero();
    assertThat(in.remaining()).isZero();
  }

  private interface Writes {
    void to(BinaryEncoder e) throws IOException;
  }

  private static byte[] encoded(Writes writes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    writes.to(e);
    e.flush();
    return out.toByteArray();
  }

  private static BoundedBinaryDecoder decoder(byte[] bytes) {
    return new BoundedBinaryDecoder(DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
