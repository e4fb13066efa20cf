package dev.sieve.learning.datasets;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/**
 * Embeddings kept in a file between runs (for the benchmark, which would otherwise spend most of
 * its time embedding the same texts again). The caller names the file; it should encode what the
 * embeddings depend on (dataset, split, row count, embedding model digest). Written to a temporary
 * file and moved into place, so an interrupted run leaves no half file.
 */
public final class EmbeddingCache {

  private EmbeddingCache() {}

  public static float[][] load(Path file, Supplier<float[][]> compute) throws IOException {
    if (Files.isRegularFile(file)) {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        int n = in.readInt();
        int d = in.readInt();
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
          for (int j = 0; j < d; j++) {
            row[j] = in.readFloat();
          }
        }
        return rows;
      }
    }
    float[][] rows = compute.get();
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "embeddings", ".part");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(rows.length);
      out.writeInt(rows.length == 0 ? 0 : rows[0].length);
      for (float[] row : rows) {
        for (float v : row) {
          out.writeFloat(v);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    return rows;
  }
}
