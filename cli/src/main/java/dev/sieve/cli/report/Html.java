package dev.sieve.cli.report;

import org.jfree.svg.SVGUtils;

/**
 * Escaping for text and attribute values of the page; every text read from a topic goes through it.
 */
final class Html {

  private Html() {}

  /** Escapes {@code & < > " '}: safe in element text and in quoted attributes. Null is empty. */
  static String esc(String text) {
    // JFreeSVG's escaping, the same that protects the names inside the charts
    return text == null ? "" : SVGUtils.escapeForXML(text);
  }

  /** At most {@code max} characters, with an ellipsis when cut (long dead-letter messages). */
  static String shorten(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, max - 1) + "\u2026";
  }
}
