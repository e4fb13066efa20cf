package dev.sieve.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCli;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code sieve report} end to end: a realistic set of records is produced to Sieve's topics on the
 * embedded broker (Avro through the real registry), the command writes the page, and headless
 * Chromium opens it from a file: every chart must be drawn with marks, and a screenshot of it must
 * show them.
 */
class ReportIT {

  private static final Path OUT = Path.of("target", "report-it");

  @Test
  void reportOfARealisticDeploymentRendersEveryChartInChromium() throws Exception {
    ItStack it = new ItStack("it-report", null);
    String prefix = it.prefix();
    it.createTopics(2, Topics.ALL.stream().map(t -> t.name(prefix)).toArray(String[]::new));
    produce(it);

    Files.createDirectories(OUT);
    Path page = OUT.resolve("report.html");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SieveCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(it.cliArgs("report", "--out", page.toString()));
    System.out.print(out);
    System.out.print(err);

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("report written to " + page.toAbsolutePath())
        .contains(
            "1,200 predictions (2 classifiers), 180 label requests, 6 model versions, 7 drift"
                + " alerts, 15 dead letters, 1 undecodable records skipped");
    String html = Files.readString(page);
    ReportPageTest.assertSelfContained(html);

    HeadlessChromium chromium = HeadlessChromium.installed();
    String dom = chromium.dumpDom(page);
    Map<String, String> figures = ReportPageTest.figures(dom);
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
          int marks = ReportPageTest.marks(body);
          System.out.printf("chart %-20s %3d drawn marks%n", id, marks);
          assertThat(marks).as("drawn marks of " + id + " in Chromium's DOM").isGreaterThan(0);
        });
    assertThat(ReportPageTest.marks(figures.get("requests"))).isEqualTo(12);
    // the page as a user sees it: counts, the skipped record and a dead-letter reason
    assertThat(dom)
        .contains("612") // content events on content.raw
        .contains("accepted after validation: 600")
        .contains("BAD_MAGIC_BYTE")
        .contains("TEXT_TOO_LONG");

    Path png = OUT.resolve("report.png");
    chromium.screenshot(page, png, 1400, 2300);
    assertNotBlank(png);

    // the screenshot in the docs: the same data under the default prefix, at a fixed time
    Path docsPage = OUT.resolve("docs-report.html");
    Files.writeString(
        docsPage,
        ReportPage.render(
            ReportFixtures.deployment("sieve."),
            Instant.parse("2026-03-02T11:05:00Z"),
            "Kafka at 127.0.0.1:9092"));
    Path docsPng = OUT.resolve("docs-report.png"); // copy it to cli/docs/report.png
    chromium.screenshot(docsPage, docsPng, 1400, 2585);
    assertNotBlank(docsPng);
  }

  @Test
  void aDeploymentWithoutTopicsGivesAPageThatSaysSo() throws Exception {
    ItStack it = new ItStack("it-report-none", null);
    String prefix = it.prefix();
    Files.createDirectories(OUT);
    Path page = OUT.resolve("empty-report.html");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SieveCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    long start = System.nanoTime();
    int exit = cli.execute(it.cliArgs("report", "--out", page.toString()));
    System.out.printf("report of no topics: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    System.out.print(out);
    System.out.print(err);

    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString())
        .startsWith(
            "warning: topics absent under the prefix '"
                + prefix
                + "': "
                + prefix
                + "content.raw, ");
    String html = Files.readString(page);
    assertThat(ReportPageTest.figures(html).values())
        .hasSize(5)
        .allSatisfy(body -> assertThat(body).contains("does not exist").doesNotContain("<svg"));
    ReportPageTest.assertSelfContained(html);
  }

  /** The screenshot shows a page with charts: mostly not background, and bars in chart blue. */
  private static void assertNotBlank(Path png) throws Exception {
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1400);
    int background = 0xF5F6F8;
    long ink = 0;
    long chartBlue = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        if (rgb != background && rgb != 0xFFFFFF) {
          ink++;
        }
        if (rgb == ChartStyle.PALETTE[0].getRGB() - 0xFF000000) {
          chartBlue++;
        }
      }
    }
    long pixels = (long) image.getWidth() * image.getHeight();
    System.out.printf(
        "screenshot %s: %d x %d, %.1f %% ink, %d px of chart blue%n",
        png, image.getWidth(), image.getHeight(), 100.0 * ink / pixels, chartBlue);
    assertThat((double) ink / pixels).as("share of non-background pixels").isGreaterThan(0.05);
    assertThat(chartBlue).as("pixels of the first series colour (drawn bars)").isGreaterThan(5_000);
  }

  /** The realistic fixture records, then content events, then one record that is not Avro. */
  private static void produce(ItStack it) throws Exception {
    String prefix = it.prefix();
    Map<Class<?>, ConfluentAvroCodec<?>> codecs = new HashMap<>();
    // Every send is checked: a lost fixture record would show up as a wrong count in the page.
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (ReportFixtures.Rec r : ReportFixtures.realistic()) {
      String topic = r.topic().name(prefix);
      records.add(ItStack.record(topic, r.key(), encode(codecs, it, topic, r.value())));
    }
    ConfluentAvroCodec<ContentEvent> content = it.codec(ContentEvent.class);
    for (int i = 0; i < ReportFixtures.RAW_EVENTS; i++) {
      String json = "{\"id\":\"c-" + i + "\",\"text\":\"message " + i + "\"}";
      records.add(ItStack.record(Topics.CONTENT_RAW.name(prefix), "c-" + i, bytes(json)));
      if (i < ReportFixtures.ACCEPTED_EVENTS) {
        ContentEvent event =
            ContentEvent.newBuilder().setId("c-" + i).setText("message " + i).build();
        records.add(
            ItStack.record(
                Topics.CONTENT.name(prefix),
                "c-" + i,
                content.encode(Topics.CONTENT.name(prefix), event)));
      }
    }
    // not Avro: counted and shown as undecodable, and the report still renders
    records.add(
        ItStack.record(Topics.PREDICTIONS.name(prefix), "junk", bytes("{\"not\":\"avro\"}")));
    it.send(records);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static byte[] encode(
      Map<Class<?>, ConfluentAvroCodec<?>> codecs, ItStack it, String topic, SpecificRecord value) {
    ConfluentAvroCodec codec = codecs.computeIfAbsent(value.getClass(), c -> it.codec((Class) c));
    return codec.encode(topic, value);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
