package dev.sieve.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies model resources from the classpath to files, because ONNX Runtime and the tokenizer load
 * from a path. Files live in {@code <cache>/sieve-models/<onnx digest>/} (the cache is {@code
 * sieve.model.cache} or {@code java.io.tmpdir}); a copy is written to a temporary file and moved
 * into place, so concurrent JVMs or subtasks never see half a file, and a file already there is
 * reused when its content checks out.
 */
final class ModelFiles {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFiles.class);

  // Digest of each resource (the tokenizer too, not only the network), computed once per JVM.
  private static final Map<String, String> RESOURCE_DIGESTS = new ConcurrentHashMap<>();

  private ModelFiles() {}

  static InputStream open(String resource) throws IOException {
    InputStream in = EmbeddingModel.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new FileNotFoundException(
          "classpath resource "
              + resource
              + " not found: is its langchain4j-embeddings jar there?");
    }
    return in;
  }

  static Path cacheRoot() {
    String configured = System.getProperty("sieve.model.cache");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "sieve-models");
  }

  /** Returns the file for {@code resource} in the directory of {@code modelDigest}. */
  static synchronized Path materialise(String resource, String modelDigest) throws IOException {
    Path target = cacheRoot().resolve(modelDigest).resolve(resource);
    String expected = resourceDigest(resource);
    if (cached(target, expected)) {
      return target;
    }
    writeAtomically(
        target,
        out -> {
          MessageDigest sha = ModelSigning.sha256();
          try (InputStream in = open(resource);
              OutputStream digesting = new DigestOutputStream(out, sha)) {
            in.transferTo(digesting);
          }
          String written = HexFormat.of().formatHex(sha.digest());
          if (!written.equals(expected)) {
            throw new IOException(
                "copy of " + resource + " has digest " + written + ", not " + expected);
          }
        });
    LOG.info("Materialised {} to {}", resource, target);
    return target;
  }

  /** Whether {@code target} is there with the content of {@code digest} (warns if it is not). */
  private static boolean cached(Path target, String digest) throws IOException {
    if (!Files.isRegularFile(target)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(target)) {
      if (ModelSigning.sha256Hex(in).equals(digest)) {
        return true;
      }
    }
    LOG.warn("Cached {} does not match its digest; writing it again", target);
    return false;
  }

  /** Writes a file beside {@code target}, then moves it into place: no one sees half a file. */
  private static void writeAtomically(Path target, FileWriter writer) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @FunctionalInterface
  private interface FileWriter {
    void write(OutputStream out) throws IOException;
  }

  /**
   * The per-token rewrite of a network resource ({@link PerRowQuantisation}: deterministic, a few
   * hundred ms); not kept in memory, since the file is what ONNX Runtime loads.
   */
  private static byte[] perRowBytes(String resource) throws IOException {
    try (InputStream in = open(resource)) {
      return PerRowQuantisation.rewrite(in.readAllBytes());
    }
  }

  /** SHA-256 (hex) of the per-token rewrite of a network resource. */
  static String perRowDigest(String resource) throws IOException {
    String key = resource + "#per-row";
    String d = RESOURCE_DIGESTS.get(key);
    if (d == null) {
      d = HexFormat.of().formatHex(ModelSigning.sha256().digest(perRowBytes(resource)));
      RESOURCE_DIGESTS.put(key, d);
    }
    return d;
  }

  /** The per-token rewrite of {@code resource} as a file in the directory of its digest. */
  static synchronized Path materialisePerRow(String resource, String digest) throws IOException {
    Path target = cacheRoot().resolve(digest).resolve("per-row-" + resource);
    if (cached(target, digest)) {
      return target;
    }
    writeAtomically(target, out -> out.write(perRowBytes(resource)));
    LOG.info("Wrote the per-token rewrite of {} to {}", resource, target);
    return target;
  }

  /** SHA-256 (hex) of a classpath resource, computed once per JVM. */
  static String resourceDigest(String resource) throws IOException {
    String d = RESOURCE_DIGESTS.get(resource);
    if (d == null) {
      try (InputStream in = open(resource)) {
        d = ModelSigning.sha256Hex(in);
      }
      RESOURCE_DIGESTS.put(resource, d);
    }
    return d;
  }
}
