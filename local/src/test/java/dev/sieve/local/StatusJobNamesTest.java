package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.activelearning.ActiveLearningJob;
import dev.sieve.cli.status.JobInputs;
import dev.sieve.inference.InferenceJob;
import dev.sieve.ingest.IngestJob;
import dev.sieve.retrain.RetrainJob;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sieve status} finds the jobs on Flink by name, and the operator CLI cannot depend on the
 * job modules; local/ sees both, so the names are held together here.
 */
class StatusJobNamesTest {

  @Test
  void statusLooksForTheNamesTheJobsRunUnder() {
    assertThat(JobInputs.ALL)
        .extracting(JobInputs::flinkName)
        .containsExactly(
            "sieve " + IngestJob.JOB,
            "sieve " + InferenceJob.JOB,
            "sieve " + ActiveLearningJob.JOB,
            "sieve " + RetrainJob.JOB);
  }
}
