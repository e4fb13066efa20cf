package dev.sieve.cli.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.ClusteredXYBarRenderer;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYDataset;

/**
 * JFreeChart renderers that put every data item they draw into its own SVG group ({@code <g
 * jfreesvg:ref='{"seriesKey": ..., "itemIndex": ...}'>}). JFreeChart's plain bar renderers already
 * do this when element hinting is on; these three subclasses do not, so each adds the two calls
 * around its parent's drawing. The groups are how the page's drawn marks can be told apart from
 * axes, grid lines and legend, which the report's browser test counts.
 */
final class MarkedRenderers {

  private MarkedRenderers() {}

  /** Stacked bars over time. */
  static final class StackedXYBars extends StackedXYBarRenderer {

    private static final long serialVersionUID = 1L;

    StackedXYBars(double margin) {
      super(margin);
    }

    @Override
    public void drawItem(
        Graphics2D g2,
        XYItemRendererState state,
        Rectangle2D dataArea,
        PlotRenderingInfo info,
        XYPlot plot,
        ValueAxis domainAxis,
        ValueAxis rangeAxis,
        XYDataset dataset,
        int series,
        int item,
        CrosshairState crosshairState,
        int pass) {
      beginElementGroup(g2, dataset.getSeriesKey(series), item);
      super.drawItem(
          g2,
          state,
          dataArea,
          info,
          plot,
          domainAxis,
          rangeAxis,
          dataset,
          series,
          item,
          crosshairState,
          pass);
      endElementGroup(g2);
    }
  }

  /** Side-by-side bars (one per series) over numeric bins. */
  static final class ClusteredXYBars extends ClusteredXYBarRenderer {

    private static final long serialVersionUID = 1L;

    ClusteredXYBars(double margin) {
      super(margin, false);
    }

    @Override
    public void drawItem(
        Graphics2D g2,
        XYItemRendererState state,
        Rectangle2D dataArea,
        PlotRenderingInfo info,
        XYPlot plot,
        ValueAxis domainAxis,
        ValueAxis rangeAxis,
        XYDataset dataset,
        int series,
        int item,
        CrosshairState crosshairState,
        int pass) {
      beginElementGroup(g2, dataset.getSeriesKey(series), item);
      super.drawItem(
          g2,
          state,
          dataArea,
          info,
          plot,
          domainAxis,
          rangeAxis,
          dataset,
          series,
          item,
          crosshairState,
          pass);
      endElementGroup(g2);
    }
  }

  /** Points joined by lines. */
  static final class LinesAndShapes extends XYLineAndShapeRenderer {

    private static final long serialVersionUID = 1L;

    LinesAndShapes() {
      super(true, true);
    }

    @Override
    public void drawItem(
        Graphics2D g2,
        XYItemRendererState state,
        Rectangle2D dataArea,
        PlotRenderingInfo info,
        XYPlot plot,
        ValueAxis domainAxis,
        ValueAxis rangeAxis,
        XYDataset dataset,
        int series,
        int item,
        CrosshairState crosshairState,
        int pass) {
      beginElementGroup(g2, dataset.getSeriesKey(series), item);
      super.drawItem(
          g2,
          state,
          dataArea,
          info,
          plot,
          domainAxis,
          rangeAxis,
          dataset,
          series,
          item,
          crosshairState,
          pass);
      endElementGroup(g2);
    }
  }
}
