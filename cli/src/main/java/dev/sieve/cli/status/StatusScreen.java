package dev.sieve.cli.status;

import dev.sieve.cli.TextTable;
import dev.sieve.cli.label.QueueBacklog;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The text of {@code sieve status}: four short sections (jobs, consumer lag, classifiers with the
 * labeling queue, drift), each a table or one line saying why there is nothing to show.
 */
final class StatusScreen {

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private StatusScreen() {}

  /**
   * What Flink said: the jobs, or why they are not shown.
   *
   * @param url the REST URL asked, or null when none was given
   * @param jobs Sieve's jobs, when Flink answered
   * @param problem why Flink's part is missing, when it was asked and did not answer
   */
  record FlinkPart(String url, List<FlinkJobs.Job> jobs, String problem) {

    static FlinkPart skipped() {
      return new FlinkPart(null, List.of(), null);
    }
  }

  /**
   * The labeling queue.
   *
   * @param backlog the requests left, empty when the topic is missing or Kafka did not report it
   */
  record Queue(
      String group, String topic, boolean exists, Optional<QueueBacklog.Backlog> backlog) {}

  /** Everything the screen shows. */
  record Snapshot(
      Instant now,
      String prefix,
      FlinkPart flink,
      List<ConsumerLag.Row> lag,
      List<ClassifierStatus.Line> classifiers,
      Queue queue) {}

  static String render(Snapshot s) {
    StringBuilder out = new StringBuilder();
    out.append("sieve status at ")
        .append(UTC.format(s.now()))
        .append(" UTC, topic prefix '")
        .append(s.prefix())
        .append("'\n\n");
    jobs(s, out);
    out.append('\n');
    lag(s, out);
    out.append('\n');
    classifiers(s, out);
    out.append('\n');
    queue(s, out);
    out.append('\n');
    drift(s, out);
    return out.toString();
  }

  private static void jobs(Snapshot s, StringBuilder out) {
    FlinkPart flink = s.flink();
    if (flink.url() == null) {
      out.append(
          "jobs: not shown: give --flink-url http://<jobmanager>:8081 (or sieve.flink.rest.url"
              + " in --config) to see the jobs' state and uptime\n");
      return;
    }
    if (flink.problem() != null) {
      out.append("jobs: ").append(flink.problem()).append('\n');
      return;
    }
    out.append("jobs (Flink at ").append(flink.url()).append(")\n");
    List<String> missing = new ArrayList<>();
    for (JobInputs job : JobInputs.ALL) {
      String name = job.flinkName();
      if (flink.jobs().stream().noneMatch(j -> j.name().equals(name))) {
        missing.add(name);
      }
    }
    if (!flink.jobs().isEmpty()) {
      TextTable table =
          new TextTable(
              List.of("JOB", "STATE", "UPTIME", "STARTED (UTC)"), false, false, true, false);
      for (FlinkJobs.Job job : flink.jobs()) {
        table.row(
            job.name(),
            job.state(),
            "RUNNING".equals(job.state()) ? uptime(Duration.ofMillis(job.durationMs())) : "-",
            job.startTimeMs() < 0 ? "-" : UTC.format(Instant.ofEpochMilli(job.startTimeMs())));
      }
      out.append(table.render("  "));
    }
    if (!missing.isEmpty()) {
      out.append("  not on this Flink cluster: ").append(String.join(", ", missing)).append('\n');
    }
  }

  private static void lag(Snapshot s, StringBuilder out) {
    out.append(
        "consumer lag (end offset minus the offset each job's group committed at its last"
            + " checkpoint)\n");
    TextTable table =
        new TextTable(
            List.of("JOB", "GROUP", "TOPIC", "LAG", ""), false, false, false, true, false);
    for (ConsumerLag.Row row : s.lag()) {
      String note =
          row.lag() < 0
              ? "topic does not exist"
              : row.committed() ? "" : "nothing committed yet (counted from the earliest offset)";
      table.row(
          row.job(),
          row.group(),
          row.topic(),
          row.lag() < 0 ? "-" : String.format(Locale.ROOT, "%,d", row.lag()),
          note);
    }
    out.append(table.render("  "));
  }

  private static void classifiers(Snapshot s, StringBuilder out) {
    if (s.classifiers().isEmpty()) {
      out.append("classifiers: none on ").append(s.prefix()).append("models\n");
      return;
    }
    out.append("classifiers (live accuracy of the serving version, from human labels)\n");
    TextTable table =
        new TextTable(
            List.of(
                "CLASSIFIER", "SERVING", "REASON", "CREATED (UTC)", "LIVE ACCURACY", "UNBIASED"),
            false,
            false,
            false,
            false,
            true,
            true);
    List<String> notes = new ArrayList<>();
    for (ClassifierStatus.Line line : s.classifiers()) {
      Optional<ModelVersion> v = line.serving();
      Optional<LiveAccuracy> a = line.accuracy();
      table.row(
          line.classifier(),
          v.map(m -> "v" + m.getVersion()).orElse("none"),
          v.map(ModelVersion::getReason).orElse("-"),
          v.map(m -> UTC.format(Instant.ofEpochMilli(m.getCreatedAtMs()))).orElse("-"),
          a.map(x -> ratio(x.getAccuracy(), x.getCorrect(), x.getLabels())).orElse("no labels yet"),
          a.map(x -> ratio(x.getUnbiasedAccuracy(), x.getRandomCorrect(), x.getRandomLabels()))
              .orElse("-"));
      line.refusedAbove().ifPresent(r -> notes.add(refusal(r, v)));
    }
    out.append(table.render("  "));
    notes.forEach(n -> out.append("  ! ").append(n).append('\n'));
  }

  private static void queue(Snapshot s, StringBuilder out) {
    Queue q = s.queue();
    out.append("labeling queue (share group ")
        .append(q.group())
        .append(" on ")
        .append(q.topic())
        .append("): ");
    if (!q.exists()) {
      out.append("the topic does not exist\n");
      return;
    }
    out.append(
        q.backlog()
            .map(
                b ->
                    b.describe()
                        + (b.requests() == 1 ? " request" : " requests")
                        + " waiting"
                        + (b.exact() ? "" : " (an upper bound: the broker reported no lag)"))
            .orElse("? (Kafka did not report the backlog in time)"));
    out.append('\n');
  }

  private static void drift(Snapshot s, StringBuilder out) {
    List<DriftAlert> alerts = s.classifiers().stream().flatMap(l -> l.drift().stream()).toList();
    if (alerts.isEmpty()) {
      out.append("drift: no alert on ").append(s.prefix()).append("drift\n");
      return;
    }
    out.append("last drift alert per classifier\n");
    TextTable table =
        new TextTable(
            List.of(
                "CLASSIFIER", "DETECTOR", "STATISTIC", "THRESHOLD", "VERSION", "DETECTED (UTC)"),
            false,
            false,
            true,
            true,
            true,
            false);
    for (DriftAlert a : alerts) {
      table.row(
          a.getClassifier(),
          a.getDetector(),
          String.format(Locale.ROOT, "%.3f", a.getStatistic()),
          String.format(Locale.ROOT, "%.3f", a.getThreshold()),
          "v" + a.getModelVersion(),
          UTC.format(Instant.ofEpochMilli(a.getDetectedAtMs())));
    }
    out.append(table.render("  "));
  }

  private static String refusal(ModelAlert r, Optional<ModelVersion> serving) {
    return r.getClassifier()
        + ": v"
        + r.getVersion()
        + " refused by the inference job: "
        + r.getReason()
        + serving.map(v -> " (v" + v.getVersion() + " keeps serving)").orElse("");
  }

  /** {@code 0.813 (13/16)}, or {@code - (0/0)} before the first label. */
  static String ratio(double value, long correct, long total) {
    return (Double.isNaN(value) || total == 0 ? "-" : String.format(Locale.ROOT, "%.3f", value))
        + " ("
        + correct
        + "/"
        + total
        + ")";
  }

  /** {@code 45s}, {@code 12m 05s}, {@code 3h 04m}, {@code 2d 03h}. */
  static String uptime(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd %02dh", s / 86_400, s % 86_400 / 3600);
  }
}
