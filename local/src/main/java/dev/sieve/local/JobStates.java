package dev.sieve.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;

/**
 * Where each job of {@code ./sieve up} keeps its state, and which state it resumes from: as the
 * docker-compose job-submitter does on a cluster, each job has its own checkpoint and savepoint
 * directories, its checkpoints are retained when it is cancelled or its JVM dies, and a new run
 * starts from the newest complete savepoint or retained checkpoint of the job (one with a {@code
 * _metadata} file: a checkpoint without it was cut short).
 */
final class JobStates {

  private JobStates() {}

  /** The job's own checkpoint and savepoint directories, checkpoints retained on cancellation. */
  static Configuration configuration(DataDir dataDir, String job) {
    Configuration conf = new Configuration();
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, dataDir.checkpoints(job).toUri().toString());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dataDir.savepoints(job).toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    return conf;
  }

  /**
   * The newest complete savepoint ({@code savepoints/<job>/savepoint-…}) or retained checkpoint
   * ({@code checkpoints/<job>/<job id>/chk-N}) of {@code job}, by the time its {@code _metadata}
   * was written; empty when the job never completed one.
   */
  static Optional<Path> newest(DataDir dataDir, String job) {
    return Stream.concat(
            children(dataDir.savepoints(job)),
            children(dataDir.checkpoints(job)).flatMap(JobStates::children))
        .map(dir -> dir.resolve("_metadata"))
        .filter(Files::isRegularFile)
        .max(Comparator.comparing(JobStates::modified))
        .map(Path::getParent);
  }

  private static Stream<Path> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isDirectory).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the time of " + file, e);
    }
  }
}
