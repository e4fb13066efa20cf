package dev.sieve.cli.label;

import dev.sieve.schemas.LabelRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the terminal labeler shows for one request, as plain lines (no colour, no cursor moves), so
 * it reads the same on a terminal, in a pipe and in a captured session: the text, the classifier,
 * the model's guess and confidence, why Sieve asked, and the classes on number keys with the
 * model's score for each.
 */
final class RequestScreen {

  static final int DEFAULT_WIDTH = 80;
  private static final int MIN_WIDTH = 40;

  private RequestScreen() {}

  static List<String> render(QueuedRequest queued, int number, int width, boolean singleKeys) {
    int w = width < MIN_WIDTH ? DEFAULT_WIDTH : Math.min(width, 120);
    LabelRequest r = queued.request();
    List<String> lines = new ArrayList<>();
    String head =
        "-- request " + number + " - " + r.getClassifier() + " - " + r.getContentId() + " ";
    lines.add(head + "-".repeat(Math.max(3, w - head.length())));
    for (String line : wrap(r.getText(), w - 4)) {
      lines.add("  | " + line);
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "  model v%d guesses %s (%s)",
            r.getModelVersion(),
            r.getGuess(),
            percent(r.getConfidence())));
    lines.add("  asked because: " + why(r));
    if (queued.deliveryCount() > 1) {
      lines.add(
          "  delivered "
              + queued.deliveryCount()
              + " times (skipped, or its lock expired, before)");
    }
    List<String> classes = queued.classes();
    Map<String, Double> scores = r.getScores();
    StringBuilder keys = new StringBuilder("  ");
    for (int i = 0; i < classes.size(); i++) {
      String c = classes.get(i);
      Double score = scores == null ? null : scores.get(c);
      String item = "[" + (i + 1) + "] " + c + (score == null ? "" : " " + percent(score));
      if (keys.length() > 2 && keys.length() + item.length() + 3 > w) {
        lines.add(keys.toString());
        keys = new StringBuilder("  ");
      }
      keys.append(keys.length() > 2 ? "   " : "").append(item);
    }
    lines.add(keys.toString());
    lines.add(
        "  [s] skip   [u] unsure   [q] quit"
            + (singleKeys && classes.size() > 9
                ? "   (two-digit classes: digits, then Enter)"
                : ""));
    return lines;
  }

  /** {@code margin 0.080}, {@code entropy 0.912, random share}. */
  static String why(LabelRequest r) {
    String why = String.format(Locale.ROOT, "%s %.3f", r.getStrategy(), r.getSelectionScore());
    if (r.getRandomShare()) {
      why += " (random share: chosen at random, for an unbiased accuracy estimate)";
    }
    return why;
  }

  static String percent(double p) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * p);
  }

  /** Greedy word wrap; words longer than the width are cut. Line breaks in the text are kept. */
  static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      out.add("");
      return out;
    }
    for (String paragraph : text.split("\\R", -1)) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.split(" +")) {
        while (word.length() > width) {
          if (line.length() > 0) {
            out.add(line.toString());
            line.setLength(0);
          }
          out.add(word.substring(0, width));
          word = word.substring(width);
        }
        if (line.length() > 0 && line.length() + 1 + word.length() > width) {
          out.add(line.toString());
          line.setLength(0);
        }
        if (!word.isEmpty()) {
          line.append(line.length() > 0 ? " " : "").append(word);
        }
      }
      out.add(line.toString());
    }
    return out;
  }
}
