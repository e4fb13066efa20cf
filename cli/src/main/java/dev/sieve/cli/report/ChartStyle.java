package dev.sieve.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The look of every chart: flat bars, white plots with light grid lines, and a colour-blind-safe
 * palette (Okabe and Ito). Fonts are Java's logical "SansSerif", which the SVG names as the
 * browser's own {@code sans-serif}: the page needs no font file.
 */
final class ChartStyle {

  static final Color[] PALETTE = {
    new Color(0x0072B2), // blue
    new Color(0xE69F00), // orange
    new Color(0x009E73), // green
    new Color(0xCC79A7), // pink
    new Color(0x56B4E9), // sky
    new Color(0xD55E00), // vermilion
    new Color(0xF0E442), // yellow
    new Color(0x7F7F7F), // grey
    new Color(0x332288), // indigo
    new Color(0x882255) // wine
  };

  static final Color THRESHOLD = new Color(0xC0392B);
  static final Stroke DASHED =
      new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private static final Color GRID = new Color(0xDDDDDD);
  private static final Color TEXT = new Color(0x333333);

  private ChartStyle() {}

  /** Applies the style; call it before setting any series-specific paint or stroke. */
  static void apply(JFreeChart chart) {
    theme().apply(chart);
    chart.setPadding(new RectangleInsets(6, 6, 6, 10));
    chart.setElementHinting(true);
  }

  static Color color(int index) {
    return PALETTE[index % PALETTE.length];
  }

  static Shape point() {
    return new Ellipse2D.Double(-4, -4, 8, 8);
  }

  private static StandardChartTheme theme() {
    StandardChartTheme theme = new StandardChartTheme("sieve", false);
    theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    theme.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setPlotOutlinePaint(GRID);
    theme.setDomainGridlinePaint(GRID);
    theme.setRangeGridlinePaint(GRID);
    theme.setAxisLabelPaint(TEXT);
    theme.setTickLabelPaint(TEXT);
    theme.setLegendItemPaint(TEXT);
    theme.setItemLabelPaint(TEXT);
    theme.setLegendBackgroundPaint(Color.WHITE);
    theme.setAxisOffset(new RectangleInsets(0, 0, 0, 0));
    theme.setBarPainter(new StandardBarPainter());
    theme.setXYBarPainter(new StandardXYBarPainter());
    theme.setShadowVisible(false);
    theme.setDrawingSupplier(
        new DefaultDrawingSupplier(
            PALETTE.clone(),
            new Paint[] {Color.WHITE},
            DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE,
            new Stroke[] {new BasicStroke(2f)},
            DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE,
            new Shape[] {point()}));
    return theme;
  }
}
