package dev.sieve.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML page: self-contained, every chart drawn (or saying why not), topic text escaped. */
class ReportPageTest {

  private static final Instant NOW = Instant.parse("2026-03-02T11:05:00Z");
  private static final Pattern FIGURE =
      Pattern.compile(
          "<figure class=\"chart\" id=\"([^\"]+)\" data-chart=\"(drawn|empty)\">(.*?)</figure>",
          Pattern.DOTALL);

  @Test
  void realisticDataDrawsEveryChartWithMarks() {
    ReportData data = ReportFixtures.feed("sieve.", ReportFixtures.realistic());
    String html = ReportPage.render(data, NOW, "Kafka at 127.0.0.1:9092");

    Map<String, String> figures = figures(html);
    assertThat(figures.keySet())
        .containsExactly(
            "class-frequencies-0",
            "class-frequencies-1",
            "confidence",
            "live-accuracy",
            "drift-0",
            "drift-1",
            "drift-2",
            "drift-3",
            "requests");
    figures.forEach(
        (id, body) -> {
          assertThat(body).as(id).contains("<svg").doesNotContain("no-data");
          assertThat(marks(body)).as("drawn marks of " + id).isGreaterThan(0);
        });
    // 2 classifiers x 6 strategies; 6 versions x 2 live series + 4 trained versions' CV accuracy
    // (zero-shot versions have none); one bar per non-empty confidence bin
    assertThat(marks(figures.get("requests"))).isEqualTo(12);
    assertThat(marks(figures.get("live-accuracy"))).isEqualTo(16);
    long nonEmptyBins =
        data.confidence().classifiers().stream()
            .flatMapToLong(c -> java.util.Arrays.stream(data.confidence().counts(c)))
            .filter(n -> n > 0)
            .count();
    assertThat(nonEmptyBins).isBetween(20L, 40L);
    assertThat(marks(figures.get("confidence"))).isEqualTo(nonEmptyBins);
    assertThat(figures.get("drift-0")).contains("threshold 0.15"); // centroid-cosine
    // the windowed detectors: every window over time, per classifier (11 a classifier, plus the
    // alerted ones), each a point and, after a classifier's first, a line segment to it; the
    // error-rate test, without windows: its two alerts (one per classifier, so no segment)
    long windows = ReportFixtures.windows().size();
    assertThat(windows).isEqualTo(2 * 3 * 11 + 5);
    int series = 2 * 3;
    assertThat(
            marks(figures.get("drift-0"))
                + marks(figures.get("drift-1"))
                + marks(figures.get("drift-2")))
        .isEqualTo(2 * windows - series);
    assertThat(marks(figures.get("drift-2"))).isEqualTo(2 * (2 * 11 + 2) - 2); // confidence-psi
    assertThat(marks(figures.get("drift-3"))).isEqualTo(2); // error-page-hinkley
    assertThat(html)
        .contains("The confidence-psi statistic of each of 24 window(s) on sieve.drift.windows")
        .contains("2 window(s) alerted (above it)")
        .contains("The error-page-hinkley statistic at each of 2 alert(s) on sieve.drift");
    assertThat(html)
        .contains("<h3>Class frequencies over time: sentiment</h3>")
        .contains("5 min buckets")
        .contains("1,200")
        .contains("EMPTY_TEXT")
        .contains("empty text (record 0)")
        .contains("Predictions from 2026-03-02 09:00:00 to 2026-03-02 10:59:48 UTC.");
    assertSelfContained(html);
  }

  @Test
  void driftWindowsOfANewVersionStartANewLine() {
    ReportData data = new ReportData("sieve.");
    for (int minute = 1; minute <= 3; minute++) {
      data.add(window(1, minute, 0.02 * minute));
    }
    for (int minute = 4; minute <= 7; minute++) {
      data.add(window(2, minute, 0.01 * minute));
    }

    String html = ReportPage.render(data, NOW, "Kafka at 127.0.0.1:9092");

    String chart = figures(html).get("drift-0");
    // 7 points; segments only within a version: 2 for v1, 3 for v2, none joining v1 to v2
    assertThat(marks(chart)).isEqualTo(7 + 2 + 3);
    assertThat(chart).contains("spam v1").contains("spam v2").contains("threshold 0.03");
    assertThat(html).contains("7 window(s) on sieve.drift.windows over time");
  }

  private static DriftWindow window(int version, long minute, double statistic) {
    return DriftWindow.newBuilder(
            (DriftWindow)
                ReportFixtures.window("spam", "centroid-cosine", statistic, 0.03, minute).value())
        .setModelVersion(version)
        .build();
  }

  @Test
  void emptyTopicsGiveANoteInsteadOfAnEmptyFrame() {
    ReportData data = new ReportData("sieve.");
    Topics.ALL.forEach(data::source);
    data.source(Topics.ACCURACY).absent();

    String html = ReportPage.render(data, NOW, "Kafka at 127.0.0.1:9092");

    Map<String, String> figures = figures(html);
    assertThat(figures.keySet())
        .containsExactly("class-frequencies", "confidence", "live-accuracy", "drift", "requests");
    figures.forEach(
        (id, body) ->
            assertThat(body)
                .as(id)
                .doesNotContain("<svg")
                .contains("class=\"no-data\">No data yet: "));
    assertThat(html)
        .contains("No data yet: sieve.predictions holds no predictions.")
        .contains(
            "No data yet: sieve.drift.windows holds no drift window and sieve.drift no drift"
                + " alert")
        .contains("No data yet: the topic sieve.accuracy does not exist")
        .contains("<tr><td>sieve.accuracy</td><td class=\"num\">\u2013</td>")
        .contains("No model version on sieve.models");
    assertSelfContained(html);
  }

  @Test
  void textFromTheTopicsIsEscapedEverywhere() {
    String evil = "<img src=x onerror=alert(1)>";
    ReportData data = new ReportData("sieve.");
    data.add(ReportDataTest.prediction(evil, "a&b \"q\" 'x'", 0.7));
    data.add(
        LabelRequest.newBuilder()
            .setContentId("c")
            .setClassifier(evil)
            .setText("t")
            .setGuess("g")
            .setConfidence(0.5)
            .setScores(Map.of())
            .setModelVersion(0)
            .setStrategy("<script>alert(2)</script>")
            .setSelectionScore(1)
            .setRequestedAtMs(ReportFixtures.T0)
            .build());
    data.add(new LiveAccuracy(evil, 0, 4L, 3L, 0.75, 1L, 1L, 1.0, ReportFixtures.T0));
    data.add(
        DriftAlert.newBuilder()
            .setClassifier(evil)
            .setDetector("</svg><script>alert(3)</script>")
            .setStatistic(0.3)
            .setThreshold(0.2)
            .setReferenceSize(1)
            .setWindowSize(1)
            .setModelVersion(0)
            .setDetectedAtMs(ReportFixtures.T0)
            .build());
    data.addDeadLetter(
        Topics.CONTENT_DLQ,
        DeadLetter.newBuilder()
            .setReason("<b>WHY</b>")
            .setMessage("<iframe src=\"http://example.invalid/\"></iframe>")
            .setJob("' onmouseover='alert(4)")
            .setSourceTopic("t")
            .setSourcePartition(0)
            .setSourceOffset(0)
            .setValue(ByteBuffer.wrap(new byte[] {0}))
            .setRejectedAtMs(ReportFixtures.T0)
            .build());

    String html = ReportPage.render(data, NOW, "Kafka at <evil>");

    assertThat(html)
        .doesNotContain("<img", "<script", "<iframe", "<b>WHY", "<evil>", "' onmouseover")
        .contains("&lt;img src=x onerror=alert(1)&gt;")
        .contains("&lt;script&gt;alert(2)&lt;/script&gt;")
        .contains("&lt;iframe src=&quot;http://example.invalid/&quot;&gt;")
        .contains("a&amp;b &quot;q&quot; &apos;x&apos;");
    // the hostile names reached the charts too, escaped
    assertThat(figures(html).values()).allMatch(body -> body.contains("<svg"));
    assertSelfContained(html);
  }

  /**
   * Nothing is loaded from anywhere: no element that fetches (script, link, img, iframe, object,
   * embed), no src or href attribute, no url() other than a reference inside the page, no @import
   * or @font-face. Checked on the markup itself (tags and style sheets), since escaped text from
   * the topics may legitimately read like markup.
   */
  static void assertSelfContained(String html) {
    Pattern attribute = Pattern.compile("([\\w:-]+)\\s*=\\s*('[^']*'|\"[^\"]*\")");
    Matcher tags = Pattern.compile("<([a-zA-Z][\\w:-]*)([^>]*)>").matcher(html);
    int count = 0;
    while (tags.find()) {
      count++;
      assertThat(tags.group(1).toLowerCase(java.util.Locale.ROOT))
          .isNotIn(
              "script", "link", "img", "iframe", "object", "embed", "image", "use", "audio",
              "video");
      Matcher a = attribute.matcher(tags.group(2));
      while (a.find()) {
        String name = a.group(1).toLowerCase(java.util.Locale.ROOT);
        String value = a.group(2);
        assertThat(name)
            .as(tags.group())
            .isNotIn(
                "src", "href", "xlink:href", "srcset", "poster", "data", "action", "background");
        if (name.startsWith("xmlns")) {
          // namespace names are never fetched
          assertThat(value)
              .isIn(
                  "'http://www.w3.org/2000/svg'",
                  "'http://www.w3.org/1999/xlink'",
                  "'http://www.jfree.org/jfreesvg/svg'");
        } else if (!name.equals("jfreesvg:ref") && !name.equals("content")) {
          // style, clip-path, fill, ...: only references inside the page, url(#id)
          assertThat(value).as(tags.group()).doesNotContainPattern("(?i)url\\(\\s*['\"]?(?!#)");
        }
      }
    }
    assertThat(count).isGreaterThan(50);
    Matcher styles = Pattern.compile("(?s)<style>(.*?)</style>").matcher(html);
    while (styles.find()) {
      assertThat(styles.group(1)).doesNotContainPattern("(?i)@import|@font-face|url\\(");
    }
  }

  /** Every chart figure's body by id, in page order. */
  static Map<String, String> figures(String html) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Matcher m = FIGURE.matcher(html);
    while (m.find()) {
      out.put(m.group(1), m.group(3));
    }
    return out;
  }

  /** Data items drawn: the SVG groups JFreeChart opens for one item, when not empty. */
  static int marks(String figure) {
    Matcher m = Pattern.compile("<g jfreesvg:ref=(['\"])\\{[^>]*>(?!</g>)").matcher(figure);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
