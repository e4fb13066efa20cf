package dev.sieve.cli.report;

import java.util.Comparator;

/** One model version of one classifier; sorts by classifier name, then version number. */
record VersionKey(String classifier, int version) implements Comparable<VersionKey> {

  private static final Comparator<VersionKey> ORDER =
      Comparator.comparing(VersionKey::classifier).thenComparingInt(VersionKey::version);

  @Override
  public int compareTo(VersionKey other) {
    return ORDER.compare(this, other);
  }

  /** {@code spam v2}: how the page names a version. */
  String display() {
    return classifier + " v" + version;
  }
}
