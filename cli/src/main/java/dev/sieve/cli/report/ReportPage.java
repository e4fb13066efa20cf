package dev.sieve.cli.report;

import static dev.sieve.cli.report.Html.esc;

import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Topics;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The report as one self-contained HTML page: a summary, the charts as inline SVG, and tables of
 * versions, drift alerts, dead letters and the topics read. It loads nothing (no script, font,
 * style sheet or image; a Content-Security-Policy forbids it too), so it reads the same offline,
 * attached to a ticket or archived. Every text read from a topic is escaped.
 */
public final class ReportPage {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ReportData data;
  private final StringBuilder html = new StringBuilder(256 * 1024);

  private ReportPage(ReportData data) {
    this.data = data;
  }

  /**
   * Renders the page.
   *
   * @param generatedAt when the topics were read
   * @param source where from, e.g. the bootstrap servers (shown escaped)
   */
  public static String render(ReportData data, Instant generatedAt, String source) {
    ReportPage page = new ReportPage(data);
    page.head();
    page.header(generatedAt, source);
    page.html.append("<main>\n");
    page.summary();
    page.charts(ReportCharts.all(data));
    page.versions();
    page.driftTable();
    page.deadLetters();
    page.sources();
    page.html.append("</main>\n");
    page.footer();
    return page.html.toString();
  }

  private void head() {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        // belt and braces: even a mistake in this page cannot make a browser fetch anything
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                + " style-src 'unsafe-inline'\">\n")
        .append("<title>Sieve report</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
  }

  private void header(Instant generatedAt, String source) {
    html.append("<header>\n<h1>Sieve report</h1>\n<p>Generated ")
        .append(TIME.format(generatedAt))
        .append(" UTC from ")
        .append(esc(source))
        .append(", topics under the prefix <code>")
        .append(esc(data.topicPrefix()))
        .append("</code>, each read from its beginning to its end at that time.");
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (PredictionCounts p : data.predictions().values()) {
      first = Math.min(first, p.firstMs());
      last = Math.max(last, p.lastMs());
    }
    if (first <= last) {
      html.append(" Predictions from ")
          .append(TIME.format(Instant.ofEpochMilli(first)))
          .append(" to ")
          .append(TIME.format(Instant.ofEpochMilli(last)))
          .append(" UTC.");
    }
    html.append("</p>\n</header>\n");
  }

  private void summary() {
    html.append("<section>\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    SourceStats raw = data.sourceOrNull(Topics.CONTENT_RAW);
    SourceStats accepted = data.sourceOrNull(Topics.CONTENT);
    card(
        "content events",
        raw,
        raw == null ? 0 : raw.records(),
        accepted == null || !accepted.present()
            ? "accepted: topic absent"
            : String.format(Locale.ROOT, "accepted after validation: %,d", accepted.records()));
    card(
        "predictions",
        data.sourceOrNull(Topics.PREDICTIONS),
        data.predictionCount(),
        data.predictions().entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue().total()))
            .collect(Collectors.joining(" \u00b7 ")));
    card(
        "label requests",
        data.sourceOrNull(Topics.LABELING_REQUESTS),
        data.requestCount(),
        String.format(
            Locale.ROOT, "%,d asked at random (unbiased share)", data.randomShareRequests()));
    SourceStats labelled = data.sourceOrNull(Topics.LABELLED);
    card(
        "labels",
        data.sourceOrNull(Topics.LABELS),
        sum(data.labels()),
        labelled == null || !labelled.present()
            ? "labelled examples: topic absent"
            : String.format(
                Locale.ROOT, "joined into labelled examples: %,d", sum(data.labelled())));
    long classifiers =
        data.versions().keySet().stream().map(VersionKey::classifier).distinct().count();
    card(
        "model versions",
        data.sourceOrNull(Topics.MODELS),
        data.versions().size(),
        classifiers + " classifier(s), with their cross-validated metrics below");
    Map<String, Long> byDetector = new TreeMap<>();
    data.driftAlerts().forEach(a -> byDetector.merge(a.getDetector(), 1L, Long::sum));
    card(
        "drift alerts",
        data.sourceOrNull(Topics.DRIFT),
        data.driftAlerts().size(),
        byDetector.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(" \u00b7 ")));
    card(
        "dead letters",
        null,
        data.deadLetterCount(),
        data.deadLetters().stream()
            .collect(
                Collectors.groupingBy(
                    DeadLetterCount::topic,
                    TreeMap::new,
                    Collectors.summingLong(DeadLetterCount::count)))
            .entrySet()
            .stream()
            .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
            .collect(Collectors.joining(" \u00b7 ")));
    long undecodable = data.undecodableCount();
    html.append(undecodable > 0 ? "<div class=\"card warn\">" : "<div class=\"card\">")
        .append(String.format(Locale.ROOT, "<div class=\"n\">%,d</div>", undecodable))
        .append("<div class=\"what\">undecodable records</div>")
        .append("<div class=\"detail\">skipped, counted per topic under Sources</div></div>\n");
    html.append("</div>\n</section>\n");
  }

  private void card(String what, SourceStats source, long n, String detail) {
    boolean absent = source != null && !source.present();
    html.append("<div class=\"card\"><div class=\"n\">")
        .append(absent ? "\u2013" : String.format(Locale.ROOT, "%,d", n))
        .append("</div><div class=\"what\">")
        .append(esc(what))
        .append("</div><div class=\"detail\">")
        .append(absent ? "topic " + esc(source.topic()) + " absent" : esc(detail))
        .append("</div></div>\n");
  }

  private void charts(List<ChartFigure> figures) {
    html.append("<section>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
    for (ChartFigure f : figures) {
      html.append("<figure class=\"chart\" id=\"")
          .append(esc(f.id()))
          .append("\" data-chart=\"")
          .append(f.hasData() ? "drawn" : "empty")
          .append("\">\n<h3>")
          .append(esc(f.title()))
          .append("</h3>\n");
      if (f.hasData()) {
        html.append(f.svg()).append('\n');
      } else {
        html.append("<div class=\"no-data\">").append(esc(f.noData())).append("</div>\n");
      }
      html.append("<figcaption>").append(esc(f.caption())).append("</figcaption>\n</figure>\n");
    }
    html.append("</div>\n</section>\n");
  }

  private void versions() {
    Map<VersionKey, Long> served = new TreeMap<>();
    data.predictions()
        .forEach((c, p) -> p.byVersion().forEach((v, n) -> served.put(new VersionKey(c, v), n)));
    TreeSet<VersionKey> keys = new TreeSet<>(data.versions().keySet());
    keys.addAll(data.accuracy().keySet());
    keys.addAll(served.keySet());
    html.append("<section>\n<h2>Model versions</h2>\n");
    if (keys.isEmpty()) {
      html.append("<p class=\"none\">No model version on ")
          .append(esc(Topics.MODELS.name(data.topicPrefix())))
          .append(" and no prediction yet.</p>\n</section>\n");
      return;
    }
    Map<String, Integer> latest = new TreeMap<>();
    data.versions().keySet().forEach(k -> latest.merge(k.classifier(), k.version(), Math::max));
    html.append(
        "<p>From "
            + esc(Topics.MODELS.name(data.topicPrefix()))
            + " (compacted: older versions disappear once the log cleaner runs), "
            + esc(Topics.ACCURACY.name(data.topicPrefix()))
            + " and "
            + esc(Topics.PREDICTIONS.name(data.topicPrefix()))
            + ". \u2605 marks the latest version of each classifier, the one the inference job"
            + " serves.</p>\n");
    html.append("<table>\n<thead><tr><th>classifier</th><th class=\"num\">version</th>")
        .append("<th class=\"num\">parent</th><th>reason</th><th>created (UTC)</th>")
        .append("<th class=\"num\">training set</th><th class=\"num\">CV accuracy</th>")
        .append("<th class=\"num\">CV macro-F1</th><th class=\"num\">predictions</th>")
        .append("<th class=\"num\">live accuracy (labels)</th>")
        .append("<th class=\"num\">unbiased (random labels)</th></tr></thead>\n<tbody>\n");
    for (VersionKey k : keys) {
      VersionSummary v = data.versions().get(k);
      LiveAccuracy a = data.accuracy().get(k);
      boolean isLatest = v != null && latest.get(k.classifier()) == k.version();
      html.append("<tr><td>")
          .append(esc(k.classifier()))
          .append("</td><td class=\"num\">")
          .append(isLatest ? "\u2605 " : "")
          .append(k.version())
          .append("</td><td class=\"num\">")
          .append(v == null || v.parent() == null ? "\u2013" : v.parent())
          .append("</td><td>")
          .append(v == null ? "<span class=\"muted\">not on the topic</span>" : esc(v.reason()))
          .append("</td><td>")
          .append(v == null ? "\u2013" : TIME.format(Instant.ofEpochMilli(v.createdAtMs())))
          .append("</td><td class=\"num\">")
          .append(v == null || !v.hasMetrics() ? "\u2013" : count(v.trainingSize()))
          .append("</td><td class=\"num\">")
          .append(v == null || !v.hasMetrics() ? "\u2013" : ratio(v.cvAccuracy()))
          .append("</td><td class=\"num\">")
          .append(v == null || !v.hasMetrics() ? "\u2013" : ratio(v.cvMacroF1()))
          .append("</td><td class=\"num\">")
          .append(served.containsKey(k) ? count(served.get(k)) : "\u2013")
          .append("</td><td class=\"num\">")
          .append(
              a == null || a.getLabels() == 0
                  ? "\u2013"
                  : ratio(a.getAccuracy()) + " (" + count(a.getLabels()) + ")")
          .append("</td><td class=\"num\">")
          .append(
              a == null || a.getRandomLabels() == 0
                  ? "\u2013"
                  : ratio(a.getUnbiasedAccuracy()) + " (" + count(a.getRandomLabels()) + ")")
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void driftTable() {
    html.append("<section>\n<h2>Drift alerts</h2>\n");
    List<DriftAlert> alerts = data.driftAlerts();
    if (alerts.isEmpty()) {
      html.append("<p class=\"none\">No drift alert on ")
          .append(esc(Topics.DRIFT.name(data.topicPrefix())))
          .append(".</p>\n</section>\n");
      return;
    }
    Map<List<String>, List<DriftAlert>> groups = new TreeMap<>(ReportPage::compareLists);
    alerts.forEach(
        a ->
            groups
                .computeIfAbsent(
                    List.of(a.getDetector(), a.getClassifier()), k -> new ArrayList<>())
                .add(a));
    html.append("<table>\n<thead><tr><th>detector</th><th>classifier</th>")
        .append("<th class=\"num\">alerts</th><th class=\"num\">latest statistic</th>")
        .append("<th class=\"num\">threshold</th><th class=\"num\">model version</th>")
        .append("<th>latest (UTC)</th></tr></thead>\n<tbody>\n");
    groups.forEach(
        (key, list) -> {
          DriftAlert last = list.get(list.size() - 1);
          html.append("<tr><td>")
              .append(esc(key.get(0)))
              .append("</td><td>")
              .append(esc(key.get(1)))
              .append("</td><td class=\"num\">")
              .append(count(list.size()))
              .append("</td><td class=\"num\">")
              .append(number(last.getStatistic()))
              .append("</td><td class=\"num\">")
              .append(number(last.getThreshold()))
              .append("</td><td class=\"num\">")
              .append(last.getModelVersion())
              .append("</td><td>")
              .append(TIME.format(Instant.ofEpochMilli(last.getDetectedAtMs())))
              .append("</td></tr>\n");
        });
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void deadLetters() {
    html.append("<section>\n<h2>Dead letters by reason</h2>\n");
    List<DeadLetterCount> counts = data.deadLetters();
    if (counts.isEmpty()) {
      html.append("<p class=\"none\">No dead letter on ")
          .append(esc(Topics.CONTENT_DLQ.name(data.topicPrefix())))
          .append(" or ")
          .append(esc(Topics.LABELS_DLQ.name(data.topicPrefix())))
          .append(".</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>topic</th><th>job</th><th>reason</th>")
        .append("<th class=\"num\">count</th><th>latest (UTC)</th><th>first message</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (DeadLetterCount d : counts) {
      html.append("<tr><td>")
          .append(esc(d.topic()))
          .append("</td><td>")
          .append(d.job().isEmpty() ? "\u2013" : esc(d.job()))
          .append("</td><td><code>")
          .append(esc(d.reason()))
          .append("</code></td><td class=\"num\">")
          .append(count(d.count()))
          .append("</td><td>")
          .append(TIME.format(Instant.ofEpochMilli(d.lastAtMs())))
          .append("</td><td class=\"msg\">")
          .append(esc(Html.shorten(d.example(), 240)))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void sources() {
    html.append("<section>\n<h2>Sources</h2>\n")
        .append("<p>Records read per topic. Records that could not be decoded are skipped and")
        .append(" counted here, never silently.</p>\n")
        .append("<table>\n<thead><tr><th>topic</th><th class=\"num\">records</th>")
        .append("<th class=\"num\">undecodable</th><th>first undecodable record</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (SourceStats s : data.sources()) {
      html.append("<tr><td>").append(esc(s.topic())).append("</td>");
      if (!s.present()) {
        html.append("<td class=\"num\">\u2013</td><td class=\"num\">\u2013</td>")
            .append("<td class=\"muted\">topic absent</td></tr>\n");
        continue;
      }
      html.append("<td class=\"num\">")
          .append(count(s.records()))
          .append(s.tombstones() > 0 ? " (" + count(s.tombstones()) + " tombstones)" : "")
          .append("</td><td class=\"num\">")
          .append(s.undecodable() == 0 ? "0" : "<strong>" + count(s.undecodable()) + "</strong>")
          .append(
              s.undecodable() == 0
                  ? ""
                  : " "
                      + esc(
                          s.undecodableByReason().entrySet().stream()
                              .map(e -> e.getKey() + " " + e.getValue())
                              .sorted()
                              .collect(Collectors.joining(", ", "(", ")"))))
          .append("</td><td class=\"msg\">")
          .append(s.firstProblem() == null ? "" : esc(Html.shorten(s.firstProblem(), 240)))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private void footer() {
    html.append("<footer>Made by <code>sieve report</code>. This page is self-contained: it")
        .append(" loads no script, font, style sheet or image.</footer>\n</body>\n</html>\n");
  }

  private static int compareLists(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String ratio(double r) {
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.3f", r) : "\u2013";
  }

  private static String number(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4g", x) : esc(String.valueOf(x));
  }

  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { margin: 0; background: #f5f6f8; color: #1f2328;
        font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
      header { background: #1f2937; color: #f3f4f6; padding: 18px 32px 14px; }
      header h1 { margin: 0 0 4px; font-size: 22px; }
      header p { margin: 0; font-size: 13px; color: #d1d5db; }
      header code { color: #fff; }
      main { max-width: 1360px; margin: 0 auto; padding: 8px 32px 32px; }
      h2 { font-size: 17px; margin: 22px 0 10px; }
      h3 { font-size: 14px; margin: 0 0 6px; }
      .cards { display: grid; gap: 10px;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
      .card { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px;
        padding: 10px 14px; }
      .card.warn { border-color: #d97706; background: #fffbeb; }
      .card .n { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
      .card .what { font-size: 13px; color: #444; }
      .card .detail { font-size: 12px; color: #6b7280; overflow-wrap: anywhere; }
      .charts { display: grid; gap: 14px;
        grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); }
      figure.chart { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px;
        margin: 0; padding: 12px 14px 10px; }
      figure.chart svg { display: block; width: 100%; height: auto; }
      figcaption { font-size: 12px; color: #57606a; margin-top: 4px; }
      .no-data { aspect-ratio: 640 / 340; display: flex; align-items: center;
        justify-content: center; border: 2px dashed #c8ccd1; border-radius: 6px;
        color: #57606a; text-align: center; padding: 16px; }
      table { border-collapse: collapse; background: #fff; border: 1px solid #e1e4e8;
        font-size: 13px; }
      th, td { padding: 5px 10px; border-bottom: 1px solid #eceef1; text-align: left;
        vertical-align: top; }
      th { background: #f0f2f4; font-weight: 600; }
      .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      td.msg { max-width: 520px; overflow-wrap: anywhere; color: #444; }
      .muted, p.none { color: #6b7280; }
      footer { max-width: 1360px; margin: 0 auto; padding: 0 32px 28px; font-size: 12px;
        color: #6b7280; }
      """;
}
