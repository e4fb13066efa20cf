package dev.sieve.cli.report;

import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
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
import java.util.function.Function;
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
 * cosine distance, a Page-Hinkley sum). A windowed detector (confidence PSI, class-mix PSI,
 * centroid) shows its statistic at every closed window from {@code sieve.drift.windows}, over time,
 * a line per classifier and model version (a new version restarts the detectors on a new
 * reference), against its threshold (dashed): the windows that alerted are the points above it. A
 * detector without windows — the cumulative error-rate test, or any detector of a deployment whose
 * job predates that topic — shows the statistic at each alert from {@code sieve.drift}.
 */
final class DriftCharts {

  private DriftCharts() {}

  /** One chart per drift detector: its windows over time (or its alerts) vs thresholds. */
  static List<ChartFigure> drift(ReportData data) {
    String topic = Topics.DRIFT.name(data.topicPrefix());
    String windowsTopic = Topics.DRIFT_WINDOWS.name(data.topicPrefix());
    Map<String, List<DriftAlert>> byDetector = new TreeMap<>();
    for (DriftAlert a : data.driftAlerts()) {
      byDetector.computeIfAbsent(a.getDetector(), d -> new ArrayList<>()).add(a);
    }
    Map<String, List<DriftWindow>> windowsByDetector = new TreeMap<>();
    for (DriftWindow w : data.driftWindows()) {
      windowsByDetector.computeIfAbsent(w.getDetector(), d -> new ArrayList<>()).add(w);
    }
    TreeSet<String> detectors = new TreeSet<>(byDetector.keySet());
    detectors.addAll(windowsByDetector.keySet());
    if (detectors.isEmpty()) {
      return List.of(
          ChartFigure.empty(
              "drift",
              "Drift statistics",
              "The statistic of each drift detector at each window, against its threshold, from "
                  + windowsTopic
                  + " (and the alerts on "
                  + topic
                  + ").",
              ReportCharts.noData(
                  data,
                  Topics.DRIFT_WINDOWS,
                  "holds no drift window and "
                      + topic
                      + " no drift alert (a detector's first window closes after its reference"
                      + " and one window of events).")));
    }
    List<ChartFigure> figures = new ArrayList<>();
    int index = 0;
    List<String> classifiers = ReportCharts.classifiers(data);
    for (String detector : detectors) {
      String id = "drift-" + index++;
      List<DriftWindow> windows = windowsByDetector.get(detector);
      figures.add(
          windows != null
              ? windowChart(detector, windows, windowsTopic, id, classifiers, data)
              : chart(detector, byDetector.get(detector), topic, id, classifiers));
    }
    return figures;
  }

  private static ChartFigure windowChart(
      String detector,
      List<DriftWindow> windows,
      String topic,
      String id,
      List<String> classifiers,
      ReportData data) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    Map<String, XYSeries> byClassifier = new LinkedHashMap<>();
    Map<Double, TreeSet<String>> thresholds = new TreeMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    double top = 0;
    double bottom = 0;
    int notDrawn = 0;
    int alerted = 0;
    Map<String, String> seriesClassifier = new LinkedHashMap<>();
    for (DriftWindow w : windows) {
      if (w.getAlerted()) {
        alerted++;
      }
      if (!Double.isFinite(w.getStatistic())) {
        notDrawn++;
        continue;
      }
      // one line per classifier and model version: a new version takes a new reference
      String key = w.getClassifier() + " v" + w.getModelVersion();
      seriesClassifier.put(key, w.getClassifier());
      byClassifier
          .computeIfAbsent(key, c -> new XYSeries(c, true, true))
          .add((double) w.getClosedAtMs(), w.getStatistic());
      if (Double.isFinite(w.getThreshold())) {
        thresholds.computeIfAbsent(w.getThreshold(), t -> new TreeSet<>()).add(w.getClassifier());
        top = Math.max(top, w.getThreshold());
        bottom = Math.min(bottom, w.getThreshold());
      }
      top = Math.max(top, w.getStatistic());
      bottom = Math.min(bottom, w.getStatistic());
      first = Math.min(first, w.getClosedAtMs());
      last = Math.max(last, w.getClosedAtMs());
    }
    DriftWindow latest = windows.get(windows.size() - 1);
    String title = "Drift: " + detector;
    String caption =
        String.format(
            Locale.ROOT,
            "The %s statistic of each of %,d window(s) on %s over time, a line per classifier and"
                + " model version (a new version takes a new reference); dashed: its threshold."
                + " %,d window(s) alerted (above it). Windows of %,d events against a reference of"
                + " %,d.%s%s",
            detector,
            windows.size(),
            topic,
            alerted,
            latest.getWindowSize(),
            latest.getReferenceSize(),
            notDrawn > 0
                ? " " + notDrawn + " window(s) with a non-finite statistic are not drawn."
                : "",
            data.driftWindowsDropped() > 0
                ? String.format(
                    Locale.ROOT,
                    " Only the newest %,d windows per classifier and detector are drawn.",
                    ReportData.MAX_WINDOWS)
                : "");
    if (byClassifier.isEmpty()) {
      return ChartFigure.empty(id, title, caption, "No finite statistic to draw.");
    }
    // a short stream's windows are seconds apart: pad the time axis by a share of their span
    long pad = last > first ? Math.max((last - first) / 20, 1_000) : 60_000;
    return draw(
        id,
        title,
        caption,
        dataset,
        byClassifier,
        seriesClassifier::get,
        thresholds,
        first,
        last,
        pad,
        top,
        bottom,
        classifiers,
        false);
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
    return draw(
        id,
        title,
        caption,
        dataset,
        byClassifier,
        c -> c,
        thresholds,
        first,
        last,
        Math.max((last - first) / 20, 60_000),
        top,
        bottom,
        classifiers,
        true);
  }

  /**
   * The chart: a line and points per series (a classifier, or a classifier's version) over time, a
   * dashed line per threshold. {@code aboveOnly}: every point is above its threshold (alerts), so
   * the threshold's label goes below the line; otherwise (windows, mostly below) above it.
   */
  private static ChartFigure draw(
      String id,
      String title,
      String caption,
      XYSeriesCollection dataset,
      Map<String, XYSeries> byClassifier,
      Function<String, String> classifierOf,
      Map<Double, TreeSet<String>> thresholds,
      long first,
      long last,
      long pad,
      double top,
      double bottom,
      List<String> classifiers,
      boolean aboveOnly) {
    byClassifier.values().forEach(dataset::addSeries);
    MarkedRenderers.LinesAndShapes renderer = new MarkedRenderers.LinesAndShapes();
    DateAxis time = ReportCharts.timeAxis();
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
      if (aboveOnly) {
        // below the line: an alert's statistic is above its threshold, so the label never hides one
        marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      } else {
        // above the line: most windows are below their threshold
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
      }
      marker.setLabelOffset(new RectangleInsets(2, 2, 2, 4));
      plot.addRangeMarker(marker);
    }
    JFreeChart chart = ReportCharts.chart(plot, true);
    int series = 0;
    for (String key : byClassifier.keySet()) {
      renderer.setSeriesPaint(
          series++, ChartStyle.color(classifiers.indexOf(classifierOf.apply(key))));
    }
    return ChartFigure.drawn(id, title, caption, ReportCharts.svg(chart, id));
  }
}
