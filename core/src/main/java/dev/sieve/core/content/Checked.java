package dev.sieve.core.content;

import java.util.Objects;

/**
 * The outcome of checking one record: either a value, or the reason and a human message why it was
 * rejected. Bad input is an ordinary result here, not an exception.
 */
public record Checked<T>(T value, RejectReason reason, String message) {

  public Checked {
    if ((value == null) == (reason == null)) {
      throw new IllegalArgumentException("exactly one of value and reason");
    }
  }

  public static <T> Checked<T> ok(T value) {
    return new Checked<>(Objects.requireNonNull(value, "value"), null, null);
  }

  public static <T> Checked<T> rejected(RejectReason reason, String message) {
    return new Checked<>(null, Objects.requireNonNull(reason, "reason"), message);
  }

  public boolean isOk() {
    return value != null;
  }
}
