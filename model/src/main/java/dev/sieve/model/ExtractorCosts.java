package dev.sieve.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;

/**
 * What each feature extractor costs to run, in events per second on one core, as measured by {@code
 * ./sieve bench extractors} and recorded in {@code extractor-costs.properties} beside this class
 * (with the date and the CPU of the measurement). Extractor names are {@code lexical}, a network id
 * ({@link EmbeddingModel#id()}), or {@code lexical+<network id>}: a hybrid runs both, so its cost
 * is {@code 1 / (1/lexical + 1/network)}. Unknown extractors cost 0 ("not measured").
 */
public final class ExtractorCosts {

  /** The name of the lexical extractor, and the prefix of the hybrids. */
  public static final String LEXICAL = "lexical";

  static final String RESOURCE = "extractor-costs.properties";

  private final Properties figures;

  private ExtractorCosts(Properties figures) {
    this.figures = figures;
  }

  /** The recorded measurements. */
  public static ExtractorCosts recorded() {
    Properties p = new Properties();
    try (InputStream in = ExtractorCosts.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ExtractorCosts(p);
  }

  /** Costs given by the caller (tests, or a fresh measurement): {@code name=events/s} pairs. */
  public static ExtractorCosts of(Properties figures) {
    Properties copy = new Properties();
    copy.putAll(figures);
    return new ExtractorCosts(copy);
  }

  /** When and where the figures were measured, e.g. {@code 2026-12-06 on AMD EPYC, 2 cores}. */
  public String measuredOn() {
    return figures.getProperty("measured", "?") + " on " + figures.getProperty("cpu", "?");
  }

  /** Events per second per core of {@code extractor}; 0 when it was never measured. */
  public double eventsPerSecondPerCore(String extractor) {
    if (extractor.startsWith(LEXICAL + "+")) {
      double lexical = eventsPerSecondPerCore(LEXICAL);
      double network = eventsPerSecondPerCore(extractor.substring(LEXICAL.length() + 1));
      return lexical > 0 && network > 0 ? 1 / (1 / lexical + 1 / network) : 0;
    }
    String value = figures.getProperty(extractor);
    if (value == null) {
      return 0;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT, "%s: '%s' is not a number for %s", RESOURCE, value, extractor));
    }
  }
}
