package dev.sieve.tools.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The learning curves as a PNG: median test macro-F1 of each strategy against the number of labels,
 * with the full-data macro-F1 and its 95 % target as horizontal lines, so where each curve crosses
 * the target is {@code labels_to_95pct}. Drawn by JFreeChart (the library {@code sieve report} uses
 * too) without a display.
 */
final class CurveChart {

  private static final List<Color> COLOURS =
      List.of(
          new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C));

  private CurveChart() {}

  static void writePng(
      Path file, String dataset, List<CurveSummary> summaries, double fullDataMacroF1)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection curves = new XYSeriesCollection();
    for (CurveSummary s : summaries) {
      XYSeries series =
          new XYSeries(s.strategy() + " (labels to 95 %: " + s.labelsToTargetText() + ")");
      s.median().forEach(series::add);
      curves.addSeries(series);
    }
    int seeds = summaries.isEmpty() ? 0 : summaries.get(0).seeds();
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            String.format(
                Locale.ROOT,
                "%s: test macro-F1 against labels (median of %d seed%s)",
                dataset,
                seeds,
                seeds == 1 ? "" : "s"),
            "labels",
            "macro-F1 (test split)",
            curves,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < summaries.size(); i++) {
      renderer.setSeriesPaint(i, COLOURS.get(i % COLOURS.size()));
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    plot.addRangeMarker(
        marker(fullDataMacroF1, "full data " + format(fullDataMacroF1), 1.5f, null));
    plot.addRangeMarker(
        marker(
            0.95 * fullDataMacroF1,
            "95 % of full data " + format(0.95 * fullDataMacroF1),
            1f,
            new float[] {6f, 4f}));
    // The auto range fits the curves only; the full-data line is often above them all.
    double low = fullDataMacroF1 * 0.95;
    double high = fullDataMacroF1;
    for (CurveSummary s : summaries) {
      for (double f1 : s.median().values()) {
        low = Math.min(low, f1);
        high = Math.max(high, f1);
      }
    }
    double pad = Math.max(0.005, 0.03 * (high - low));
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setRange(low - pad, high + pad);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
  }

  private static ValueMarker marker(double value, String label, float width, float[] dash) {
    BasicStroke stroke =
        dash == null
            ? new BasicStroke(width)
            : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f);
    ValueMarker m = new ValueMarker(value, Color.DARK_GRAY, stroke);
    m.setLabel(label);
    m.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
    m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    return m;
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
