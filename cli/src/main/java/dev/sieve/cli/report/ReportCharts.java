package dev.sieve.cli.report;

import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.Topic;
import dev.sieve.schemas.Topics;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.SimpleTimePeriod;
import org.jfree.data.time.TimeTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws the report's charts with JFreeChart onto JFreeSVG's SVG {@code Graphics2D}, so each chart
 * is an inline {@code <svg>} element: vector, searchable text, and nothing to load. A chart with
 * nothing to draw is a {@link ChartFigure#empty} with the reason, never an empty frame. JFreeSVG
 * escapes every text and attribute it writes, so names read from the topics are safe in the SVG.
 */
final class ReportCharts {

  static final int WIDTH = 640;
  static final int HEIGHT = 340;
  static final int MAX_TIME_BUCKETS = 40;

  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  /** Bars get their value written above them only when there is room: up to this many. */
  private static final int MAX_VALUE_LABELS = 12;

  private ReportCharts() {}

  /** Every chart of the page, in page order. */
  static List<ChartFigure> all(ReportData data) {
    List<ChartFigure> figures = new ArrayList<>(classFrequencies(data));
    figures.add(confidence(data));
    figures.add(liveAccuracy(data));
    figures.addAll(DriftCharts.drift(data));
    figures.add(requests(data));
    return figures;
  }

  /** One chart per classifier: the share of each predicted class per time bucket. */
  static List<ChartFigure> classFrequencies(ReportData data) {
    String topic = Topics.PREDICTIONS.name(data.topicPrefix());
    ClassFrequencies frequencies = data.frequencies();
    if (frequencies.total() == 0) {
      return List.of(
          ChartFigure.empty(
              "class-frequencies",
              "Class frequencies over time",
              "Share of each predicted class per time bucket, from " + topic + ".",
              noData(data, Topics.PREDICTIONS, "holds no predictions.")));
    }
    ClassFrequencies.Bucketed bucketed = frequencies.bucketed(MAX_TIME_BUCKETS);
    long width = bucketed.widthMs();
    List<ChartFigure> figures = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, NavigableMap<Long, Map<String, Long>>> e :
        bucketed.counts().entrySet()) {
      String classifier = e.getKey();
      List<String> labels = frequencies.labelsByFrequency(classifier);
      TimeTableXYDataset dataset = new TimeTableXYDataset(UTC);
      long total = 0;
      for (Map.Entry<Long, Map<String, Long>> bucket : e.getValue().entrySet()) {
        SimpleTimePeriod period =
            new SimpleTimePeriod(bucket.getKey(), bucket.getKey() + width - 1);
        for (String label : labels) {
          long n = bucket.getValue().getOrDefault(label, 0L);
          total += n;
          dataset.add(period, n, label, false);
        }
      }
      MarkedRenderers.StackedXYBars renderer = new MarkedRenderers.StackedXYBars(0.15);
      renderer.setRenderAsPercentages(true);
      renderer.setDrawBarOutline(false);
      NumberAxis share = percentAxis("share of predictions");
      XYPlot plot = new XYPlot(dataset, timeAxis(), share, renderer);
      String id = "class-frequencies-" + index++;
      figures.add(
          ChartFigure.drawn(
              id,
              "Class frequencies over time: " + classifier,
              String.format(
                  Locale.ROOT,
                  "Share of each predicted class in %s buckets (UTC), %,d predictions of"
                      + " classifier %s on %s. A change in the mix is what class-mix drift"
                      + " detection watches.",
                  TimeBuckets.describe(width),
                  total,
                  classifier,
                  topic),
              svg(chart(plot, true), id)));
    }
    return figures;
  }

  /** Histogram of prediction confidence, one series per classifier, as shares. */
  static ChartFigure confidence(ReportData data) {
    String topic = Topics.PREDICTIONS.name(data.topicPrefix());
    ConfidenceHistogram histogram = data.confidence();
    String title = "Prediction confidence";
    if (histogram.classifiers().isEmpty()) {
      return ChartFigure.empty(
          "confidence",
          title,
          "Distribution of the probability of the predicted class, from " + topic + ".",
          noData(data, Topics.PREDICTIONS, "holds no predictions."));
    }
    XYSeriesCollection dataset = new XYSeriesCollection();
    double binWidth = 1.0 / ConfidenceHistogram.BINS;
    List<String> classifiers = classifiers(data);
    List<java.awt.Paint> paints = new ArrayList<>();
    for (String classifier : histogram.classifiers()) {
      paints.add(ChartStyle.color(classifiers.indexOf(classifier)));
      long total = histogram.total(classifier);
      XYSeries series =
          new XYSeries(String.format(Locale.ROOT, "%s (n=%,d)", classifier, total), true, false);
      long[] counts = histogram.counts(classifier);
      for (int bin = 0; bin < counts.length; bin++) {
        series.add(
            ConfidenceHistogram.binStart(bin) + binWidth / 2,
            total == 0 ? 0 : (double) counts[bin] / total);
      }
      dataset.addSeries(series);
    }
    dataset.setIntervalWidth(binWidth);
    MarkedRenderers.ClusteredXYBars renderer = new MarkedRenderers.ClusteredXYBars(0.1);
    renderer.setDrawBarOutline(false);
    NumberAxis confidence = new NumberAxis("confidence of the predicted class");
    confidence.setRange(0, 1);
    confidence.setTickUnit(new NumberTickUnit(0.1, decimal("0.0")));
    NumberAxis share = percentAxis("share of the classifier's predictions");
    share.setAutoRange(true);
    share.setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(dataset, confidence, share, renderer);
    JFreeChart chart = chart(plot, true);
    for (int i = 0; i < paints.size(); i++) {
      renderer.setSeriesPaint(i, paints.get(i));
    }
    String caption =
        "How sure each classifier is: the probability of its predicted class, in "
            + ConfidenceHistogram.BINS
            + " bins, from "
            + topic
            + ". Mass on the left is what uncertainty sampling sends to labelers."
            + (histogram.nonFinite() > 0
                ? " "
                    + histogram.nonFinite()
                    + " prediction(s) with a non-finite confidence are not drawn."
                : "");
    return ChartFigure.drawn("confidence", title, caption, svg(chart, "confidence"));
  }

  /** Live accuracy of each version from human labels, biased and unbiased, beside its CV score. */
  static ChartFigure liveAccuracy(ReportData data) {
    String topic = Topics.ACCURACY.name(data.topicPrefix());
    String title = "Live accuracy per model version";
    String caption =
        "Accuracy of each version's guesses against human labels, from the latest record per"
            + " version on "
            + topic
            + ": over all labels (biased: most were asked because the model was unsure) and over"
            + " the random share only (unbiased), beside the cross-validated accuracy from "
            + Topics.MODELS.name(data.topicPrefix())
            + ".";
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    String biased = "live, all labels (biased)";
    String unbiased = "live, random labels (unbiased)";
    String crossValidated = "cross-validated at training";
    int drawn = 0;
    for (Map.Entry<VersionKey, LiveAccuracy> e : data.accuracy().entrySet()) {
      LiveAccuracy a = e.getValue();
      String column = e.getKey().display();
      boolean any = false;
      if (a.getLabels() > 0 && Double.isFinite(a.getAccuracy())) {
        dataset.addValue(a.getAccuracy(), biased, column);
        any = true;
      }
      if (a.getRandomLabels() > 0 && Double.isFinite(a.getUnbiasedAccuracy())) {
        dataset.addValue(a.getUnbiasedAccuracy(), unbiased, column);
        any = true;
      }
      VersionSummary v = data.versions().get(e.getKey());
      if (any && v != null && v.hasMetrics()) {
        dataset.addValue(v.cvAccuracy(), crossValidated, column);
      }
      drawn += any ? 1 : 0;
    }
    if (drawn == 0) {
      return ChartFigure.empty(
          "live-accuracy",
          title,
          caption,
          noData(
              data,
              Topics.ACCURACY,
              "holds no measurement with a label (active-learning-job publishes one after each"
                  + " label on "
                  + Topics.LABELS.name(data.topicPrefix())
                  + ")."));
    }
    // same colour for the same series whichever of them a chart happens to have
    BarRenderer renderer = new BarRenderer();
    CategoryPlot plot = categoryPlot(dataset, percentAxis("accuracy"), renderer, "0%");
    plot.getRangeAxis().setUpperBound(1.08);
    JFreeChart chart = chart(plot, true);
    List<?> rows = dataset.getRowKeys();
    for (int i = 0; i < rows.size(); i++) {
      String row = rows.get(i).toString();
      renderer.setSeriesPaint(
          i, ChartStyle.color(row.equals(biased) ? 0 : row.equals(unbiased) ? 2 : 7));
    }
    return ChartFigure.drawn("live-accuracy", title, caption, svg(chart, "live-accuracy"));
  }

  /** Label requests per strategy (why each sample was chosen), one bar per classifier. */
  static ChartFigure requests(ReportData data) {
    String topic = Topics.LABELING_REQUESTS.name(data.topicPrefix());
    String title = "Label requests by reason";
    String caption =
        "Why each sample on "
            + topic
            + " was chosen: its selection strategy (uncertainty measures, rare class, coverage of"
            + " unseen regions, or the random share kept for unbiased accuracy).";
    Map<String, Map<String, Long>> byClassifier = data.requestsByStrategy();
    if (byClassifier.isEmpty()) {
      return ChartFigure.empty(
          "requests",
          title,
          caption,
          noData(data, Topics.LABELING_REQUESTS, "holds no label request."));
    }
    Map<String, Long> totals = new TreeMap<>();
    byClassifier.values().forEach(m -> m.forEach((s, n) -> totals.merge(s, n, Long::sum)));
    List<String> strategies =
        totals.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .map(Map.Entry::getKey)
            .collect(Collectors.toList());
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    byClassifier.forEach(
        (classifier, counts) -> {
          for (String strategy : strategies) {
            dataset.addValue(counts.getOrDefault(strategy, 0L), classifier, strategy);
          }
        });
    NumberAxis count = new NumberAxis("label requests");
    count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    count.setUpperMargin(0.12);
    BarRenderer renderer = new BarRenderer();
    CategoryPlot plot = categoryPlot(dataset, count, renderer, "#,##0");
    JFreeChart chart = chart(plot, true);
    List<String> classifiers = classifiers(data);
    int series = 0;
    for (String classifier : byClassifier.keySet()) {
      renderer.setSeriesPaint(series++, ChartStyle.color(classifiers.indexOf(classifier)));
    }
    return ChartFigure.drawn("requests", title, caption, svg(chart, "requests"));
  }

  /**
   * Every classifier the data names, sorted: its index picks its colour, so a classifier has the
   * same colour in every chart.
   */
  static List<String> classifiers(ReportData data) {
    TreeSet<String> all = new TreeSet<>(data.predictions().keySet());
    all.addAll(data.requestsByStrategy().keySet());
    data.driftAlerts().forEach(a -> all.add(a.getClassifier()));
    data.driftWindows().forEach(w -> all.add(w.getClassifier()));
    data.versions().keySet().forEach(k -> all.add(k.classifier()));
    data.accuracy().keySet().forEach(k -> all.add(k.classifier()));
    return List.copyOf(all);
  }

  /** Why a chart is empty: its topic holds nothing yet, or does not exist at all. */
  static String noData(ReportData data, Topic<String, ?> topic, String holdsNothing) {
    SourceStats source = data.sourceOrNull(topic);
    String name = topic.name(data.topicPrefix());
    if (source != null && !source.present()) {
      return "No data yet: the topic " + name + " does not exist (sieve topics --create makes it).";
    }
    return "No data yet: " + name + " " + holdsNothing;
  }

  private static CategoryPlot categoryPlot(
      DefaultCategoryDataset dataset, NumberAxis range, BarRenderer renderer, String valueFormat) {
    renderer.setItemMargin(0.05);
    renderer.setDrawBarOutline(false);
    CategoryAxis categories = new CategoryAxis();
    categories.setCategoryMargin(0.2);
    categories.setMaximumCategoryLabelLines(2); // "sentiment v2" wraps instead of being cut
    if (dataset.getColumnCount() > 8) {
      categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    CategoryPlot plot = new CategoryPlot(dataset, categories, range, renderer);
    if (dataset.getColumnCount() * dataset.getRowCount() <= MAX_VALUE_LABELS) {
      renderer.setDefaultItemLabelGenerator(
          new StandardCategoryItemLabelGenerator("{2}", decimal(valueFormat)));
      renderer.setDefaultItemLabelsVisible(true);
    }
    return plot;
  }

  static JFreeChart chart(Plot plot, boolean legend) {
    JFreeChart chart = new JFreeChart(null, null, plot, legend);
    ChartStyle.apply(chart);
    return chart;
  }

  static DateAxis timeAxis() {
    DateAxis axis = new DateAxis("time (UTC)", UTC, Locale.ROOT);
    axis.setLowerMargin(0.01);
    axis.setUpperMargin(0.01);
    return axis;
  }

  private static NumberAxis percentAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(0, 1);
    axis.setNumberFormatOverride(NumberFormat.getPercentInstance(Locale.ROOT));
    return axis;
  }

  static DecimalFormat decimal(String pattern) {
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  /** The chart as an inline SVG element that scales to its container (no fixed size). */
  static String svg(JFreeChart chart, String id) {
    SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
    g2.setDefsKeyPrefix(id + "-");
    chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
    return g2.getSVGElement(id + "-svg", false, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
  }
}
