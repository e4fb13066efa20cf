package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which state {@code ./sieve up} resumes a job from, as the docker-compose job-submitter does. */
class JobStatesTest {

  @TempDir Path root;

  private Path state(Path dir, Instant written) throws IOException {
    Files.createDirectories(dir);
    Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
    Files.setLastModifiedTime(metadata, FileTime.from(written));
    return dir;
  }

  @Test
  void theNewestCompleteSavepointOrCheckpointOfTheJobWins() throws Exception {
    try (DataDir dir = DataDir.lock(root)) {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      assertThat(JobStates.newest(dir, "ingest-job")).isEmpty();

      state(dir.savepoints("ingest-job").resolve("savepoint-a"), t);
      Path checkpoint =
          state(dir.checkpoints("ingest-job").resolve("job1/chk-7"), t.plusSeconds(5));
      // cut short: no _metadata, so never a candidate however new
      Files.createDirectories(dir.checkpoints("ingest-job").resolve("job1/chk-8"));
      // another job's newer state is not this job's
      state(dir.savepoints("inference-job").resolve("savepoint-b"), t.plusSeconds(60));
      assertThat(JobStates.newest(dir, "ingest-job")).contains(checkpoint);

      Path savepoint = state(dir.savepoints("ingest-job").resolve("savepoint-c"), t.plusSeconds(9));
      assertThat(JobStates.newest(dir, "ingest-job")).contains(savepoint);
    }
  }

  @Test
  void aSecondUpOnTheSameDirectoryIsRefusedUntilTheFirstStops() throws Exception {
    try (DataDir first = DataDir.lock(root)) {
      assertThat(DataDir.readPid(root)).contains(ProcessHandle.current().pid());
      assertThatThrownBy(() -> DataDir.lock(root))
          .hasMessageContaining("another ./sieve up runs on");
    }
    assertThat(DataDir.readPid(root)).isEmpty();
    DataDir.lock(root).close();
  }

  @Test
  void aDirectoryRunsOnlyAgainstWhatItWasCreatedWith() throws Exception {
    var users = new DataDir.Deployment("kafka-a:9092", "http://registry-a/apis/ccompat/v7");
    try (DataDir dir = DataDir.lock(root)) {
      dir.checkDeployment(users);
      dir.checkDeployment(users);
      assertThatThrownBy(
              () ->
                  dir.checkDeployment(
                      new DataDir.Deployment("kafka-b:9092", "http://registry-a/apis/ccompat/v7")))
          .hasMessageContaining("was created with --bootstrap-servers kafka-a:9092")
          .hasMessageContaining("not --bootstrap-servers kafka-b:9092");
      assertThatThrownBy(() -> dir.checkDeployment(DataDir.Deployment.OWN))
          .hasMessageContaining("not its own broker and registry");
    }
  }

  @Test
  void aDirectoryWithItsOwnBrokerFromBeforeTheRecordRefusesAUsersKafka() throws Exception {
    try (DataDir dir = DataDir.lock(root)) {
      Files.createDirectories(dir.kafka());
      dir.checkDeployment(DataDir.Deployment.OWN);
      assertThatThrownBy(
              () -> dir.checkDeployment(new DataDir.Deployment("kafka:9092", "http://registry")))
          .hasMessageContaining("was created with its own broker and registry");
    }
  }

  @Test
  void aDemoDirectoryIsNotStartedByUp() throws Exception {
    try (DataDir dir = DataDir.lock(root)) {
      dir.checkDeployment(DataDir.Deployment.DEMO);
      assertThatThrownBy(() -> dir.checkDeployment(DataDir.Deployment.OWN))
          .hasMessageContaining("was created with ./sieve demo");
    }
  }
}
