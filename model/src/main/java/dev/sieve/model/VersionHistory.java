package dev.sieve.model;

import dev.sieve.schemas.ModelVersion;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The signed fields of the versions a validator has verified, at most {@code maxVersionsKept} per
 * classifier (oldest forgotten first), without their heads. When a signature fails, a verified
 * version with the same head digest tells what was changed: the classifier (renamed), the labels
 * (relabelled), the parent (re-parented) or only the version (replayed). Not thread-safe: one per
 * validator, one validator per subtask.
 */
final class VersionHistory {

  /** What the signature covered, head reduced to its digest. */
  record Signed(
      String classifier,
      int version,
      Integer parent,
      List<String> labels,
      List<String> descriptions,
      String digest,
      String keyId) {

    static Signed of(ModelVersion v) {
      return new Signed(
          v.getClassifier(),
          v.getVersion(),
          v.getParentVersion(),
          List.copyOf(v.getLabels()),
          v.getLabelDescriptions() == null ? List.of() : List.copyOf(v.getLabelDescriptions()),
          v.getDigest().toLowerCase(java.util.Locale.ROOT),
          v.getKeyId());
    }
  }

  private final int maxPerClassifier;
  private final Map<String, Deque<Signed>> byClassifier = new HashMap<>();

  VersionHistory(int maxPerClassifier) {
    this.maxPerClassifier = maxPerClassifier;
  }

  void remember(ModelVersion v) {
    Signed s = Signed.of(v);
    Deque<Signed> versions = byClassifier.computeIfAbsent(s.classifier(), c -> new ArrayDeque<>());
    versions.removeIf(old -> old.equals(s));
    versions.addLast(s);
    while (versions.size() > maxPerClassifier) {
      versions.removeFirst();
    }
  }

  boolean knows(String classifier) {
    return byClassifier.containsKey(classifier);
  }

  int classifiers() {
    return byClassifier.size();
  }

  /**
   * Which tampering explains {@code v}, whose signature failed, given a verified version with the
   * same head; null when none is known. Same classifier first (relabelled, re-parented, replayed),
   * then another classifier's head (renamed).
   */
  Diagnosis diagnose(ModelVersion v) {
    String digest = v.getDigest() == null ? "" : v.getDigest().toLowerCase(java.util.Locale.ROOT);
    List<Signed> sameHead = new ArrayList<>();
    byClassifier
        .values()
        .forEach(d -> d.stream().filter(s -> s.digest().equals(digest)).forEach(sameHead::add));
    List<String> labels = List.copyOf(v.getLabels());
    List<String> descriptions =
        v.getLabelDescriptions() == null ? List.of() : List.copyOf(v.getLabelDescriptions());
    for (Signed s : sameHead) {
      if (!s.classifier().equals(v.getClassifier())) {
        continue;
      }
      if (!s.labels().equals(labels) || !s.descriptions().equals(descriptions)) {
        return new Diagnosis(
            Refusal.RELABELLED,
            "its head is version "
                + s.version()
                + "'s, signed with labels "
                + s.labels()
                + ", now "
                + labels);
      }
      if (!Objects.equals(s.parent(), v.getParentVersion())) {
        return new Diagnosis(
            Refusal.REPARENTED,
            "its head is version "
                + s.version()
                + "'s, signed with parent "
                + s.parent()
                + ", now "
                + v.getParentVersion());
      }
      if (s.version() != v.getVersion()) {
        return new Diagnosis(
            Refusal.REPLAYED,
            "it is version " + s.version() + " re-published as version " + v.getVersion());
      }
    }
    for (Signed s : sameHead) {
      if (!s.classifier().equals(v.getClassifier())) {
        return new Diagnosis(
            Refusal.RENAMED,
            "its head is classifier '"
                + s.classifier()
                + "' version "
                + s.version()
                + "'s, re-published under another name");
      }
    }
    return null;
  }

  record Diagnosis(Refusal refusal, String why) {}
}
