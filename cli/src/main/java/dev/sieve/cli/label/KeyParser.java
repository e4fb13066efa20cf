package dev.sieve.cli.label;

import java.util.Locale;

/**
 * Turns what the person typed into an action: a class number (1..k), skip, unsure or quit. With
 * single key presses a digit is taken at once unless a longer class number starts with it (more
 * than 9 classes); then the next digit or Enter completes it.
 */
final class KeyParser {

  private KeyParser() {}

  /** What a key (or line) means. */
  sealed interface Action {}

  /** A class, numbered from 1. */
  record Choice(int number) implements Action {}

  /** Digits so far of a class number that may go on. */
  record Incomplete(String digits) implements Action {}

  record Skip() implements Action {}

  record Unsure() implements Action {}

  record Quit() implements Action {}

  /** Not a key the labeler knows; {@code typed} digits are dropped. */
  record Invalid() implements Action {}

  /**
   * @param typed digits typed before (single-key mode), or empty
   * @param key one key, {@code "\n"} for Enter, or a whole line
   * @param classes how many classes the request offers
   */
  static Action parse(String typed, String key, int classes, boolean singleKeys) {
    String k = key.strip().toLowerCase(Locale.ROOT);
    if (key.equals("\n") || k.isEmpty()) {
      return typed.isEmpty() ? new Incomplete("") : choice(typed, classes);
    }
    switch (k) {
      case "s", "skip" -> {
        return new Skip();
      }
      case "u", "unsure" -> {
        return new Unsure();
      }
      case "q", "quit" -> {
        return new Quit();
      }
      default -> {
        // a number
      }
    }
    if (!k.chars().allMatch(Character::isDigit) || k.length() > 6) {
      return new Invalid();
    }
    if (!singleKeys) {
      return choice(k, classes);
    }
    String digits = typed + k;
    int n = Integer.parseInt(digits);
    if (n < 1 || n > classes) {
      return new Invalid();
    }
    return (long) n * 10 > classes ? new Choice(n) : new Incomplete(digits);
  }

  private static Action choice(String digits, int classes) {
    int n = Integer.parseInt(digits);
    return n >= 1 && n <= classes ? new Choice(n) : new Invalid();
  }
}
