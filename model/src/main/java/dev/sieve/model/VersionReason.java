package dev.sieve.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code ModelVersion.reason}: why a version was made and, for a trained one, why it
 * was published. One grammar, written by the publishers and read back by the operator commands:
 *
 * <pre>
 * reason   = trigger [" (" detail ")"] [": " decision] [" [" settings "]"]
 * trigger  = "zero-shot" | "new-labels" | "drift" | "manual" | "rollback" | "import" | ...
 * detail   = the retrain request's detail: for drift, the findings
 *            ("confidence-psi 0.9100 &gt; 0.1500 after ... ; centroid-cosine ...")
 * decision = "better: challenger macro-F1 a vs champion b " basis " (+g, margin m)"
 *          | "not better: ..." | "no champion yet; ..." | "label set changed from [..] to [..]"
 *          | "champion could not be scored; ..."
 *          | "no labels since the champion was trained: nothing to compare on" (never published)
 * basis    = "on the N labels since the champion was trained" (retrain-trigger since 2026-12-06)
 *          | "on the same folds" (before)
 * settings = the training settings ("epochs=10 lr=0.1 weighted=true seed=42")
 * </pre>
 *
 * Every version ever written reads with it: records from before it was written down ("zero-shot",
 * "rollback", "new-labels: better: ... [...]") follow the same shape, and a text that does not is
 * kept whole as its trigger. {@link #summary} shortens it to one table cell, e.g. {@code drift:
 * conf psi 0.91 > 0.15 -> published (+0.04 F1)}.
 *
 * @param trigger what started it, e.g. {@code drift}; the whole text when it is not of this shape
 * @param detail the trigger's detail, or {@code ""}
 * @param decision the publish decision, or {@code ""} (zero-shot, rollback, import)
 * @param settings the training settings, or {@code ""}
 * @param text the reason as written
 */
public record VersionReason(
    String trigger, String detail, String decision, String settings, String text) {

  /** The width {@link #summary(Integer)} keeps to: a column that leaves room for the others. */
  public static final int SUMMARY_WIDTH = 52;

  private static final Pattern TRIGGER = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
  private static final Pattern SETTINGS = Pattern.compile(" \\[([a-z]+=[^\\[\\]]*)]$");
  private static final Pattern GAIN = Pattern.compile("\\(([+-]\\d+(?:\\.\\d+)?), margin");
  private static final Pattern FINDING =
      Pattern.compile("([a-z][a-z-]*) (\\d+(?:\\.\\d+)?(?:E-?\\d+)?) > (\\d+(?:\\.\\d+)?)");

  /** The decisions' first words: those that publish, and the one that does not. */
  private static final List<String> PUBLISHED =
      List.of("better", "no champion yet", "label set changed", "champion could not be scored");

  private static final String REJECTED = "not better";

  public VersionReason {
    trigger = trigger == null ? "" : trigger;
    detail = detail == null ? "" : detail;
    decision = decision == null ? "" : decision;
    settings = settings == null ? "" : settings;
    text = text == null ? "" : text;
  }

  /** The trigger as a retrain request names it: {@code drift (findings)} or just {@code manual}. */
  public static String trigger(String name, String detail) {
    return detail == null || detail.isBlank() ? name : name + " (" + detail.strip() + ")";
  }

  /** The reason of a trained version: its trigger, the publish decision and the settings. */
  public static String trained(String trigger, String decision, String settings) {
    StringBuilder text = new StringBuilder(trigger).append(": ").append(decision);
    if (settings != null && !settings.isBlank()) {
      text.append(" [").append(settings.strip()).append(']');
    }
    return text.toString();
  }

  /** Reads any reason text; never throws. */
  public static VersionReason parse(String text) {
    String all = text == null ? "" : text.strip();
    String rest = all;
    String settings = "";
    Matcher s = SETTINGS.matcher(rest);
    if (s.find()) {
      settings = s.group(1);
      rest = rest.substring(0, s.start());
    }
    String decision = "";
    int at = decisionStart(rest);
    if (at >= 0) {
      decision = rest.substring(at + 2);
      rest = rest.substring(0, at);
    }
    Matcher t = TRIGGER.matcher(rest);
    if (!t.lookingAt()) {
      return new VersionReason(rest, "", decision, settings, all);
    }
    String trigger = t.group();
    String tail = rest.substring(t.end());
    String detail;
    if (tail.isEmpty()) {
      detail = "";
    } else if (tail.startsWith(" (") && tail.endsWith(")")) {
      detail = tail.substring(2, tail.length() - 1);
    } else if (tail.startsWith(": ") && decision.isEmpty()) {
      detail = tail.substring(2); // "manual: why" from a hand-written reason
    } else {
      return new VersionReason(rest, "", decision, settings, all);
    }
    return new VersionReason(trigger, detail, decision, settings, all);
  }

  /** Where {@code ": " + decision} starts, or -1: the last known decision after a colon. */
  private static int decisionStart(String text) {
    int best = -1;
    List<String> starts = new ArrayList<>(PUBLISHED);
    starts.add(REJECTED);
    for (String start : starts) {
      best = Math.max(best, text.lastIndexOf(": " + start));
    }
    return best;
  }

  /** {@code published}, {@code rejected}, or {@code ""} when there was no decision. */
  public String outcome() {
    if (decision.startsWith(REJECTED)) {
      return "rejected";
    }
    for (String start : PUBLISHED) {
      if (decision.startsWith(start)) {
        return "published";
      }
    }
    return "";
  }

  /** The challenger's macro-F1 minus the champion's, when the decision says. */
  public OptionalDouble gain() {
    Matcher m = GAIN.matcher(decision);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  /** The drift findings in the detail, each {@code detector statistic > threshold}. */
  public List<String> findings() {
    List<String> found = new ArrayList<>();
    for (String[] f : findingParts()) {
      found.add(f[0] + " " + f[1] + " > " + f[2]);
    }
    return found;
  }

  /** Detector, statistic and threshold (two decimals) of each finding in the detail. */
  private List<String[]> findingParts() {
    List<String[]> found = new ArrayList<>();
    Matcher m = FINDING.matcher(detail);
    while (m.find()) {
      found.add(
          new String[] {
            m.group(1),
            twoDecimals(Double.parseDouble(m.group(2))),
            twoDecimals(Double.parseDouble(m.group(3)))
          });
    }
    return found;
  }

  /** {@link #summary(Integer, int)} at {@link #SUMMARY_WIDTH}. */
  public String summary(Integer parentVersion) {
    return summary(parentVersion, SUMMARY_WIDTH);
  }

  /**
   * One line of at most {@code width} characters: the trigger with its gist, then {@code ->} the
   * decision, e.g. {@code drift: conf psi 0.91 > 0.15 +1 -> published (+0.04 F1)} (the first drift
   * finding, and how many more), {@code new-labels -> published (first trained)}, {@code rollback
   * to v3}. The decision is kept whole; the trigger's gist is shortened, then cut ("..."), when the
   * line is too long.
   *
   * @param parentVersion the version's parent, which names a rollback's target
   */
  public String summary(Integer parentVersion, int width) {
    String tail = decisionSummary();
    String suffix = tail.isEmpty() ? "" : " -> " + tail;
    String head = trigger;
    if (trigger.equals("rollback") && detail.isEmpty() && parentVersion != null) {
      head = "rollback to v" + parentVersion;
    } else if (!detail.isEmpty()) {
      // the longest gist that fits: every finding counted, the first one whole, its statistic only
      List<String> gists = new ArrayList<>();
      List<String[]> findings = findingParts();
      if (findings.isEmpty()) {
        gists.add(detail);
      } else {
        String[] first = findings.get(0);
        String whole = abbreviated(first[0]) + " " + first[1] + " > " + first[2];
        if (findings.size() > 1) {
          gists.add(whole + " +" + (findings.size() - 1));
        }
        gists.add(whole);
        gists.add(abbreviated(first[0]) + " " + first[1]);
      }
      head = trigger + ": " + gists.get(gists.size() - 1);
      for (String gist : gists) {
        if ((trigger + ": " + gist + suffix).length() <= width) {
          head = trigger + ": " + gist;
          break;
        }
      }
    }
    String line = head + suffix;
    if (line.length() <= width) {
      return line;
    }
    int room = width - suffix.length() - 3;
    if (room >= Math.min(trigger.length(), 10)) {
      return head.substring(0, Math.min(head.length(), room)).stripTrailing() + "..." + suffix;
    }
    return line.substring(0, Math.max(0, width - 3)) + "...";
  }

  /** A detector's name in a summary: {@code conf psi}, {@code mix psi}, {@code centroid}… */
  private static String abbreviated(String detector) {
    return switch (detector) {
      case "confidence-psi" -> "conf psi";
      case "class-mix-psi" -> "mix psi";
      case "centroid-cosine" -> "centroid";
      case "error-page-hinkley" -> "errors";
      default -> detector;
    };
  }

  private String decisionSummary() {
    String outcome = outcome();
    if (outcome.isEmpty()) {
      return decision;
    }
    OptionalDouble gain = gain();
    if (gain.isPresent()) {
      return String.format(Locale.ROOT, "%s (%+.2f F1)", outcome, gain.getAsDouble());
    }
    if (decision.startsWith("no champion yet")) {
      return outcome + " (first trained)";
    }
    if (decision.startsWith("label set changed")) {
      return outcome + " (labels changed)";
    }
    if (decision.startsWith("champion could not be scored")) {
      return outcome + " (champion unscored)";
    }
    return outcome;
  }

  private static String twoDecimals(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
