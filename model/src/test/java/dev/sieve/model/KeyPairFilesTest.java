package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPairFilesTest {

  @Test
  void writesAnOwnerOnlyPrivateKeyAndAPublicKeyThatVerifyEachOther(@TempDir Path dir)
      throws Exception {
    KeyPairFiles.Written written = KeyPairFiles.generate(dir, "k");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.privateKey())))
        .isEqualTo("rw-------");
    SigningKey key = SigningKey.read(written.privateKey());
    TrustedKeys trusted = TrustedKeys.parse(List.of(written.publicKey().toString()));
    assertThat(key.keyId()).isEqualTo(written.keyId());
    assertThat(trusted.ids()).containsExactly(written.keyId());
    assertThat(Files.readString(written.publicKey())).doesNotContain("PRIVATE");
  }

  @Test
  void neverOverwritesAKeyAndReadsAnExistingOne(@TempDir Path dir) {
    KeyPairFiles.Written first = KeyPairFiles.readOrGenerate(dir, "k");

    assertThatThrownBy(() -> KeyPairFiles.generate(dir, "k"))
        .hasMessageContaining("refusing to overwrite");
    assertThat(KeyPairFiles.readOrGenerate(dir, "k").keyId()).isEqualTo(first.keyId());
  }
}
