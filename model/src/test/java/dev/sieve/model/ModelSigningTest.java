package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelSigningTest {

  private static final byte[] KEY = ModelSigning.key("s3cret");

  @Test
  void sha256OfKnownInput() {
    assertThat(ModelSigning.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void signatureVerifiesOnlyWithTheSameKeyAndDigest() {
    String digest = ModelSigning.sha256Hex(new byte[] {1, 2, 3});
    String signature = ModelSigning.sign(KEY, digest);

    assertThat(signature).hasSize(64);
    assertThat(ModelSigning.verify(KEY, digest, signature)).isTrue();
    assertThat(ModelSigning.verify(KEY, digest, signature.toUpperCase())).isTrue();
    assertThat(ModelSigning.verify(ModelSigning.key("other"), digest, signature)).isFalse();
    assertThat(ModelSigning.verify(KEY, ModelSigning.sha256Hex(new byte[] {1}), signature))
        .isFalse();
    assertThat(ModelSigning.verify(KEY, digest, signature.substring(1))).isFalse();
    assertThat(ModelSigning.verify(KEY, digest, null)).isFalse();
  }

  @Test
  void hmacMatchesTheRfc4231TestVector() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    assertThat(
            ModelSigning.sign(
                "Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want for nothing?"))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
