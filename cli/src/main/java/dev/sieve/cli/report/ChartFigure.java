package dev.sieve.cli.report;

/**
 * One chart of the page.
 *
 * @param id a page-unique id, also the prefix of every id inside its SVG
 * @param title the heading (may hold names read from the topics: escape it)
 * @param caption what the chart shows and where the data comes from (escape it too)
 * @param svg the drawing as an inline {@code <svg>} element, or null when there is nothing to draw
 * @param noData why there is nothing to draw, shown instead of an empty frame; null with an svg
 */
record ChartFigure(String id, String title, String caption, String svg, String noData) {

  static ChartFigure drawn(String id, String title, String caption, String svg) {
    return new ChartFigure(id, title, caption, svg, null);
  }

  static ChartFigure empty(String id, String title, String caption, String why) {
    return new ChartFigure(id, title, caption, null, why);
  }

  boolean hasData() {
    return svg != null;
  }
}
