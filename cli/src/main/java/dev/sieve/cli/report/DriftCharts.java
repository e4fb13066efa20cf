package dev.sieve.cli.report;

import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.Topics;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The drift charts: one per detector, since their statistics live on different scales (PSI, a
 * cosine distance, a Page-Hinkley sum). Each shows the statistic at every alert, per classifier,
 * against the threshold it crossed. Only alerts are on {@code sieve.drift}, so every point is above
 * its threshold.
 */
final class DriftCharts {

  private DriftCharts() {}

  /** One chart per drift detector: the statistic at each alert, per classifier, vs thresholds. */
  static List<ChartFigure> drift(ReportData data) {
    String topic = Topics.DRIFT.name(data.topicPrefix());
    Map<String, List<DriftAlert>> byDetector = new TreeMap<>();
    for (DriftAlert a : data.driftAlerts()) {
      byDetector.computeIfAbsent(a.getDetector(), d -> new ArrayList<>()).add(a);
    }
    if (byDetector.isEmpty()) {
      return List.of(
          ChartFigure.empty(
              "drift",
              "Drift statistics",
              "The statistic of each drift detector at each alert, against its threshold, from "
                  + topic
                  + ".",
              ReportCharts.noData(data, Topics.DRIFT, "holds no drift alert (none has fired).")));
    }
    List<ChartFigure> figures = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, List<DriftAlert>> e : byDetector.entrySet()) {
      figures.add(
          chart(
              e.getKey(), e.getValue(), topic, "drift-" + index++, ReportCharts.classifiers(data)));
    }
    return figures;
  }

  private static ChartFigure chart(
      String detector, List<DriftAlert> alerts, String topic, String id, List<String> classifiers) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    Map<String, XYSeries> byClassifier = new LinkedHashMap<>();
    Map<Double, TreeSet<String>> thresholds = new TreeMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    double top = 0;
    double bottom = 0;
    int notDrawn = 0;
    for (DriftAlert a : alerts) {
      if (!Double.isFinite(a.getStatistic())) {
        notDrawn++;
        continue;
      }
      byClassifier
          .computeIfAbsent(a.getClassifier(), c -> new XYSeries(c, true, true))
          .add((double) a.getDetectedAtMs(), a.getStatistic());
      if (Double.isFinite(a.getThreshold())) {
        thresholds.computeIfAbsent(a.getThreshold(), t -> new TreeSet<>()).add(a.getClassifier());
        top = Math.max(top, a.getThreshold());
        bottom = Math.min(bottom, a.getThreshold());
      }
      top = Math.max(top, a.getStatistic());
      bottom = Math.min(bottom, a.getStatistic());
      first = Math.min(first, a.getDetectedAtMs());
      last = Math.max(last, a.getDetectedAtMs());
    }
    DriftAlert latest = alerts.get(alerts.size() - 1);
    String title = "Drift: " + detector;
    String caption =
        String.format(
            Locale.ROOT,
            "The %s statistic at each of %d alert(s) on %s, per classifier; dashed: the"
                + " threshold it crossed. Latest alert: reference of %,d, window of %,d.%s",
            detector,
            alerts.size(),
            topic,
            latest.getReferenceSize(),
            latest.getWindowSize(),
            notDrawn > 0
                ? " " + notDrawn + " alert(s) with a non-finite statistic are not drawn."
                : "");
    if (byClassifier.isEmpty()) {
      return ChartFigure.empty(id, title, caption, "No finite statistic to draw.");
    }
    byClassifier.values().forEach(dataset::addSeries);
    MarkedRenderers.LinesAndShapes renderer = new MarkedRenderers.LinesAndShapes();
    DateAxis time = ReportCharts.timeAxis();
    long pad = Math.max((last - first) / 20, 60_000);
    time.setRange(first - pad, last + pad);
    NumberAxis value = new NumberAxis("statistic");
    double span = top - bottom == 0 ? 1 : top - bottom;
    value.setRange(bottom, top + span * 0.15);
    XYPlot plot = new XYPlot(dataset, time, value, renderer);
    boolean severalClassifiers = byClassifier.size() > 1;
    for (Map.Entry<Double, TreeSet<String>> t : thresholds.entrySet()) {
      ValueMarker marker = new ValueMarker(t.getKey(), ChartStyle.THRESHOLD, ChartStyle.DASHED);
      marker.setLabel(
          "threshold "
              + ReportCharts.decimal("0.###").format(t.getKey())
              + (severalClassifiers && thresholds.size() > 1
                  ? " (" + String.join(", ", t.getValue()) + ")"
                  : ""));
      marker.setLabelPaint(ChartStyle.THRESHOLD);
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
      // below the line: an alert's statistic is above its threshold, so the label never hides one
      marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
      marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      marker.setLabelOffset(new RectangleInsets(2, 2, 2, 4));
      plot.addRangeMarker(marker);
    }
    JFreeChart chart = ReportCharts.chart(plot, true);
    int series = 0;
    for (String classifier : byClassifier.keySet()) {
      renderer.setSeriesPaint(series++, ChartStyle.color(classifiers.indexOf(classifier)));
    }
    return ChartFigure.drawn(id, title, caption, ReportCharts.svg(chart, id));
  }
}
