package dev.sieve.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a file as bytes, each decoded as UTF-8 on its own: a line that is not UTF-8 is one
 * bad line, reported with its number, where a {@code Reader} would stop the whole file at it (or
 * silently replace the bytes).
 */
final class ByteLines implements AutoCloseable {

  private final InputStream in;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  ByteLines(Path file) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file));
  }

  /** The next line without its end ({@code \n} or {@code \r\n}); null at the end of the file. */
  byte[] next() throws IOException {
    line.reset();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      line.write(b);
      b = in.read();
    }
    byte[] bytes = line.toByteArray();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      return Arrays.copyOf(bytes, length - 1);
    }
    return bytes;
  }

  /** The line as text, or null when it is not valid UTF-8. */
  static String utf8(byte[] line) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
