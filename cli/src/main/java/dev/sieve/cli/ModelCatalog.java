package dev.sieve.cli;

import dev.sieve.schemas.ModelVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The model versions one scan of {@code sieve.models} found, per classifier, by version number. The
 * topic is compacted, so it holds the latest version per classifier for sure and older ones only
 * until the log cleaner removes them: this is what is still readable, not a full history. When two
 * records carry the same version number, the later one (in offset order) wins.
 */
final class ModelCatalog {

  private final SortedMap<String, SortedMap<Integer, ModelVersion>> byClassifier = new TreeMap<>();
  private int skipped;

  void add(ModelVersion version) {
    byClassifier
        .computeIfAbsent(version.getClassifier(), c -> new TreeMap<>())
        .put(version.getVersion(), version);
  }

  void skipped() {
    skipped++;
  }

  /** Records that could not be decoded (or were tombstones) and were left out. */
  int skippedRecords() {
    return skipped;
  }

  List<String> classifiers() {
    return List.copyOf(byClassifier.keySet());
  }

  /** Every version of a classifier found, oldest first; empty if none. */
  List<ModelVersion> versions(String classifier) {
    SortedMap<Integer, ModelVersion> versions = byClassifier.get(classifier);
    return versions == null
        ? List.of()
        : Collections.unmodifiableList(new ArrayList<>(versions.values()));
  }

  /**
   * The newest version: the highest number, which is the one the inference job serves (it only ever
   * swaps to a higher version, and only once the signature verifies).
   */
  Optional<ModelVersion> latest(String classifier) {
    SortedMap<Integer, ModelVersion> versions = byClassifier.get(classifier);
    return versions == null || versions.isEmpty()
        ? Optional.empty()
        : Optional.of(versions.get(versions.lastKey()));
  }

  Optional<ModelVersion> find(String classifier, int version) {
    SortedMap<Integer, ModelVersion> versions = byClassifier.get(classifier);
    return Optional.ofNullable(versions == null ? null : versions.get(version));
  }

  /** The catalog as a map, for tests. */
  Map<String, List<ModelVersion>> asMap() {
    Map<String, List<ModelVersion>> out = new TreeMap<>();
    byClassifier.keySet().forEach(c -> out.put(c, versions(c)));
    return out;
  }
}
