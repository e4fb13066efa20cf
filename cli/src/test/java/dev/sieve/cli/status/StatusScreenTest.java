package dev.sieve.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parts of the screen that the IT (which runs no Flink) does not show: the jobs table. */
class StatusScreenTest {

  private static final Instant NOW = Instant.parse("2026-01-01T02:03:04Z");

  @Test
  void jobsShowStateUptimeOnlyWhenRunningAndTheJobsMissing() {
    String screen =
        StatusScreen.render(
            snapshot(
                new StatusScreen.FlinkPart(
                    "http://127.0.0.1:8081",
                    FlinkJobs.parse(FlinkJobsTest.OVERVIEW, "test"),
                    null)));

    assertThat(screen)
        .contains(
            """
            jobs (Flink at http://127.0.0.1:8081)
              JOB                  STATE       UPTIME  STARTED (UTC)
              sieve inference-job  RESTARTING       -  2025-12-31 23:50
              sieve ingest-job     RUNNING     2h 03m  2026-01-01 00:00
              not on this Flink cluster: sieve active-learning-job, sieve retrain-trigger
            """);
  }

  @Test
  void flinkNotGivenOrNotAnsweringIsOneLine() {
    assertThat(StatusScreen.render(snapshot(StatusScreen.FlinkPart.skipped())))
        .contains(
            "jobs: not shown: give --flink-url http://<jobmanager>:8081 (or sieve.flink.rest.url"
                + " in --config) to see the jobs' state and uptime\n");
    assertThat(
            StatusScreen.render(
                snapshot(new StatusScreen.FlinkPart("http://x:1", List.of(), "it did not answer"))))
        .contains("\njobs: it did not answer\n");
  }

  @Test
  void uptimeIsShortAndExact() {
    assertThat(StatusScreen.uptime(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(StatusScreen.uptime(Duration.ofSeconds(725))).isEqualTo("12m 05s");
    assertThat(StatusScreen.uptime(Duration.ofMinutes(184))).isEqualTo("3h 04m");
    assertThat(StatusScreen.uptime(Duration.ofHours(51))).isEqualTo("2d 03h");
  }

  @Test
  void accuracyBeforeTheFirstLabelIsADash() {
    assertThat(StatusScreen.ratio(Double.NaN, 0, 0)).isEqualTo("- (0/0)");
    assertThat(StatusScreen.ratio(0.8125, 13, 16)).isEqualTo("0.813 (13/16)");
  }

  private static StatusScreen.Snapshot snapshot(StatusScreen.FlinkPart flink) {
    return new StatusScreen.Snapshot(
        NOW,
        "sieve.",
        flink,
        List.of(),
        List.of(),
        new StatusScreen.Queue("sieve-labelers", "q", true, Optional.empty()));
  }
}
