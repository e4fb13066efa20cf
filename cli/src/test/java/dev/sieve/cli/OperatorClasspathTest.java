package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator CLI runs against a real deployment and never runs a job: its runtime classpath (as
 * the build resolves it into {@code target/runtime-classpath.txt}) holds no Flink, no RocksDB and
 * no job module, so it stays small and cannot drift into needing a cluster's jars.
 */
class OperatorClasspathTest {

  @Test
  void holdsNoFlinkNoRocksDbAndNoJobModule() throws IOException {
    List<String> entries =
        Arrays.stream(
                Files.readString(Path.of("target", "runtime-classpath.txt"))
                    .trim()
                    .split(File.pathSeparator))
            .toList();

    assertThat(entries).isNotEmpty().anyMatch(e -> e.contains("picocli"));
    assertThat(entries)
        .noneMatch(e -> Path.of(e).getFileName().toString().startsWith("flink-"))
        .noneMatch(e -> e.contains("rocksdb"))
        .noneMatch(
            e ->
                e.matches(
                        ".*(ingest-job|inference-job|active-learning-job|retrain-trigger)[/\\\\].*")
                    || e.matches(
                        ".*sieve-(ingest-job|inference-job|active-learning-job|retrain-trigger).*"));
  }
}
